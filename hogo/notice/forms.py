"""Forms of the notice screen: the sections, one purpose, publication. They only read the
input; the rules (specific purposes, the statement, what must be filled in) are the services',
whose refusals the views put back on the fields so nothing typed is lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.notice.models import SECURITY_CATEGORIES, Notice, Purpose

AREA = {"rows": 3, "cols": 80}
LINE = {"size": 80}


class SectionsForm(forms.Form):
    """Name, (for a business) address and representative, the request procedure, security
    measures, the complaints contacts and the sticker text."""

    published_name = forms.CharField(label=_("公表する名称"), required=False,
                                     widget=forms.TextInput(attrs=LINE))
    address = forms.CharField(label=_("住所"), required=False,
                              widget=forms.TextInput(attrs=LINE),
                              help_text=_("個人情報取扱事業者は住所を公表します。"))
    representative = forms.CharField(
        label=_("代表者の氏名"), required=False, widget=forms.TextInput(attrs=LINE),
        help_text=_("法人は代表者の氏名を公表します（役職と氏名）。"))
    requests_where = forms.CharField(label=_("請求の受付窓口・送付先"), required=False,
                                     widget=forms.Textarea(attrs=AREA))
    requests_bring = forms.CharField(label=_("請求の際に必要なもの（本人確認書類など）"),
                                     required=False,
                                     widget=forms.Textarea(attrs={"rows": 5, "cols": 80}))
    complaints_contact = forms.CharField(label=_("苦情の申出先"), required=False,
                                         widget=forms.Textarea(attrs=AREA))
    association_contact = forms.CharField(
        label=_("所属する認定個人情報保護団体の名称及び苦情の申出先"), required=False,
        widget=forms.Textarea(attrs=AREA))
    dashcam_text = forms.CharField(label=_("車両の録画中表示（ステッカー）の文言"),
                                   required=False, widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args: Any, notice: Notice, business: bool, association: bool,
                 **kwargs: Any) -> None:
        initial = {name: getattr(notice, name) for name in self.base_fields
                   if hasattr(notice, name)}
        measures = notice.security_measures or {}
        initial.update({f"security_{code}": measures.get(code, "")
                        for code, _label in SECURITY_CATEGORIES})
        super().__init__(*args, initial=initial, **kwargs)
        if not business:
            del self.fields["address"], self.fields["representative"]
        if not association and not notice.association_contact:
            del self.fields["association_contact"]
        if business:
            for code, label in SECURITY_CATEGORIES:
                self.fields[f"security_{code}"] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs=AREA))

    def security_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("security_")]

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("security_")]

    def values(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items()
                if not name.startswith("security_")}
        data["security_measures"] = {name.removeprefix("security_"): value
                                     for name, value in self.cleaned_data.items()
                                     if name.startswith("security_")}
        return data


class PurposeForm(forms.Form):
    """One purpose; the statement only once the notice has been published."""

    data = forms.CharField(label=_("対象となる個人情報"), required=False,
                           widget=forms.TextInput(attrs=LINE))
    text = forms.CharField(label=_("利用目的"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    reason = forms.CharField(
        label=_("変更前の利用目的と関連性を有すると合理的に認められる範囲を超えない理由"),
        required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("公表済みの利用目的を変更・追加するときに記入します。変更の履歴として公表事項"
                    "の変更記録に残ります。"))

    def __init__(self, *args: Any, purpose: Purpose | None = None, published: bool = False,
                 **kwargs: Any) -> None:
        initial = {"data": purpose.data, "text": purpose.text} if purpose else {}
        super().__init__(*args, initial=initial, **kwargs)
        if not published:
            del self.fields["reason"]


class PublishForm(forms.Form):
    note = forms.CharField(label=_("変更の概要（補足）"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("公表ページの変更履歴に表示されます。個人名は書かないで"
                                       "ください。"))


def put_back(form: forms.Form, problems: dict[str, list[str]]) -> None:
    """A service's refusal onto the form's fields (unknown names onto the whole form)."""
    for name, texts in problems.items():
        field = name if name in form.fields else None
        for text in texts:
            form.add_error(field, text)
