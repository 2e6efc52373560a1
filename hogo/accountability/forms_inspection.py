"""Forms of a self-inspection: starting one, a finding, a note on a check, finishing, and a
finding's answer and its return. They only parse; the rules are hogo.accountability.inspection's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.accountability.forms import _date, _text

ORGANISATION_SCOPE = "organisation"


class StartForm(forms.Form):
    """Which department (or the organisation as a whole) to inspect."""

    scope = forms.ChoiceField(label=_("点検する範囲"), error_messages={
        "required": _("点検する範囲を選んでください。"),
        "invalid_choice": _("点検する範囲を選んでください。")})

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes


class FindingForm(forms.Form):
    """A finding: what to put right, who owns it and by when; `check` names the check it
    comes from (empty: a finding of the inspector's own)."""

    what = _text(_("指摘事項"), 2000, area=True)
    owner = forms.ModelChoiceField(label=_("対応する人"), queryset=None, error_messages={
        "required": _("対応する人を選んでください。"),
        "invalid_choice": _("対応する人を、点検した所属の職員から選んでください。")})
    due_on = _date(_("対応期限"))
    check = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class NoteForm(forms.Form):
    """The inspector's note on a check (for a failed check: why no finding is raised)."""

    note = _text(_("所見"), 2000, area=True, required=False)


class FinishForm(forms.Form):
    """The inspection's overall comment."""

    summary = _text(_("総評"), 4000, area=True, required=False)


class AnswerForm(forms.Form):
    """What the finding's owner did."""

    action = _text(_("行った対応"), 4000, area=True)


class ReturnForm(forms.Form):
    """Why the inspector sends an answer back."""

    reason = _text(_("差し戻す理由"), 2000, area=True)
