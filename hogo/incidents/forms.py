"""Incident forms: the one-minute report, facts, awareness, filings and steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo.incidents.models import AwarenessSource, IncidentKind, ReportKind

DATE = forms.DateInput(attrs={"type": "date"})
ROWS2 = forms.Textarea(attrs={"rows": 2})


class ReportForm(forms.Form):
    """What anyone can fill in within a minute (R-801); details come later."""

    title = forms.CharField(label=_("件名（例：USBメモリの紛失）"), max_length=200)
    kind = forms.ChoiceField(label=_("何が起きたか"), choices=IncidentKind.choices)
    what_happened = forms.CharField(label=_("状況"), max_length=5000,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    occurred_on = forms.DateField(label=_("起きた日（分かれば）"), required=False, widget=DATE)
    knew_on = forms.DateField(label=_("あなたが気付いた日"), widget=DATE)
    noticed_how = forms.CharField(label=_("どのように気付いたか"), max_length=300,
                                  required=False)
    data_items = forms.CharField(label=_("関係するデータ（映像、氏名、住所など）"),
                                 max_length=2000, required=False, widget=ROWS2)
    media = forms.ModelMultipleChoiceField(label=_("関係する記録媒体"), queryset=None,
                                           required=False,
                                           widget=forms.CheckboxSelectMultiple)
    people = forms.IntegerField(label=_("関係する人数（分かれば）"), min_value=0, required=False)
    unauthorised = forms.BooleanField(label=_("盗難・不正アクセス等のおそれがある"),
                                      required=False)

    def __init__(self, *args, media, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["media"].queryset = media


class FactsForm(forms.Form):
    """The facts that decide reportability (R-803) and fill the reports (R-805)."""

    people = forms.IntegerField(label=_("本人の数"), min_value=0, required=False)
    people_basis = forms.CharField(label=_("人数の根拠"), max_length=300, required=False)
    sensitive = forms.BooleanField(label=_("要配慮個人情報を含む（おそれ）"), required=False)
    financial = forms.BooleanField(label=_("財産的被害のおそれ"), required=False)
    unauthorised = forms.BooleanField(label=_("不正の目的によるおそれ"), required=False)
    encrypted = forms.BooleanField(label=_("高度な暗号化等の秘匿化（鍵は漏えいしていない）"),
                                   required=False)
    ordinance_items = forms.MultipleChoiceField(
        label=_("条例要配慮個人情報（該当するおそれがある記述等）"), required=False,
        choices=(), widget=forms.CheckboxSelectMultiple)
    voluntary_report = forms.BooleanField(label=_("報告対象外でも任意に報告する"),
                                          required=False)
    data_items = forms.CharField(label=_("漏えい等した個人データの項目"), required=False,
                                 widget=ROWS2)
    cause = forms.CharField(label=_("発生原因"), required=False, widget=ROWS2)
    secondary_harm = forms.CharField(label=_("二次被害又はそのおそれの有無及びその内容"),
                                     required=False, widget=ROWS2)
    persons_response = forms.CharField(label=_("本人への対応の実施状況"), required=False,
                                       widget=ROWS2)
    publication = forms.CharField(label=_("公表の実施状況"), required=False, widget=ROWS2)
    prevention_done = forms.CharField(label=_("再発防止のための措置（実施済み）"),
                                      required=False, widget=ROWS2)
    prevention_planned = forms.CharField(label=_("再発防止のための措置（実施予定）"),
                                         required=False, widget=ROWS2)
    other = forms.CharField(label=_("その他参考となる事項"), required=False, widget=ROWS2)
    contact = forms.CharField(label=_("問い合わせ先"), max_length=300, required=False)

    def __init__(self, *args, ordinance_items: list[str] = (), **kwargs) -> None:  # noqa: ANN002
        """`ordinance_items`: the items the organisation's ordinance lists; with none (a
        business, or an ordinance without such items) the field is not offered."""
        super().__init__(*args, **kwargs)
        if ordinance_items:
            self.fields["ordinance_items"].choices = [(item, item) for item in ordinance_items]
        else:
            del self.fields["ordinance_items"]


class AwarenessForm(forms.Form):
    person_name = forms.CharField(label=_("氏名"), max_length=100)
    person_section = forms.CharField(label=_("所属（当時）"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("覚知の経緯"), choices=AwarenessSource.choices)
    knew_on = forms.DateField(label=_("知った日（推定の場合は最も早い日）"), widget=DATE)
    knew_on_latest = forms.DateField(label=_("推定の場合の最も遅い日"), required=False,
                                     widget=DATE)
    how = forms.CharField(label=_("どのように知ったか"), max_length=300)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("knew_on"), data.get("knew_on_latest")
        if start and end and end < start:
            self.add_error("knew_on_latest", _("最も早い日より前の日付は指定できません。"))
        return data


class FilingForm(forms.Form):
    kind = forms.ChoiceField(label=_("報告の種類"), choices=ReportKind.choices)
    filed_on = forms.DateField(label=_("提出日"), widget=DATE)
    reference = forms.CharField(label=_("受付番号等"), max_length=100, required=False)

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs) -> None:  # noqa: ANN002
        """`kinds`: the reports this incident can have (the association's only where the
        profile has one)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(value, name) for value, name in ReportKind.choices
                                           if value in kinds]


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[("assign", "assign"), ("done", "done"),
                                        ("waive", "waive")], widget=forms.HiddenInput)
    owner = forms.ModelChoiceField(label=_("担当者"), queryset=None, required=False)
    due_on = forms.DateField(label=_("期限"), required=False, widget=DATE)
    text = forms.CharField(label=_("実施内容・根拠／不要とした理由"), max_length=2000,
                           required=False, widget=ROWS2)

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
