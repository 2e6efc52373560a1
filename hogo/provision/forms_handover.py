"""Forms of the hand-over: on a medium or by a link, the signed undertakings, the confirmed
erasure, closing a request by hand, and the recipient's own confirmation on the public
download page. They parse and
word errors in Japanese; the rules are in `hogo.provision.handover`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.copies.handoffs import camera
from hogo.copies.packages import kind_label
from hogo.provision.models import ErasureHow

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def copy_choices(copies: list[Any]) -> list[tuple[str, str]]:
    """「加工済み複製データ #13（前方）」, 「複製データ #12（前方）」 (in the reader's language)."""
    return [(str(c.pk), f"{kind_label(c)} #{c.pk}（{camera(c.channel)}）") for c in copies]


class _HandOverForm(forms.Form):
    copy = forms.ChoiceField(label=_("引き渡す複製データ"))
    recipient_name = forms.CharField(label=_("受領者の氏名"), max_length=200, error_messages={
        "required": _("受領者の氏名を入力してください。")})
    erasure_due_on = forms.DateField(label=_("消去等の確認期限"), required=False, widget=DATE,
                                     help_text=_("空欄なら規定の日数後"), error_messages={
                                         "invalid": _("日付を正しく入力してください。")})
    unmasked = forms.BooleanField(
        label=_("加工していない複製データを引き渡す"), required=False,
        help_text=_("加工済み（マスキング済み）の複製データがあるのに加工していないものを"
                    "引き渡すときだけ、チェックを入れてください。"))

    def __init__(self, *args: Any, copies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.copies_by_pk = {str(c.pk): c for c in copies}
        self.fields["copy"].choices = copy_choices(copies)

    def clean_copy(self) -> Any:
        return self.copies_by_pk[self.cleaned_data["copy"]]

    def clean_erasure_due_on(self) -> Any:
        day = self.cleaned_data.get("erasure_due_on")
        if day is not None and day < clock.today_jst():
            raise forms.ValidationError(_("消去等の確認期限には今日以降の日を指定してください。"))
        return day


class MediumHandOverForm(_HandOverForm):
    medium = forms.ChoiceField(label=_("記録媒体（あなたが持出し中のもの）"), error_messages={
        "required": _("記録媒体を選んでください。"),
        "invalid_choice": _("持出し中の記録媒体から選んでください。")})

    def __init__(self, *args: Any, copies: list[Any], media: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, copies=copies, **kwargs)
        self.media_by_pk = {str(m.pk): m for m in media}
        self.fields["medium"].choices = [(str(m.pk), m.label) for m in media]

    def clean_medium(self) -> Any:
        return self.media_by_pk[self.cleaned_data["medium"]]


class LinkHandOverForm(_HandOverForm):
    recipient_email = forms.EmailField(
        label=_("受領者のメールアドレス（リンクを送る場合）"), required=False,
        error_messages={"invalid": _("メールアドレスを正しく入力してください。")})


class UndertakingForm(forms.Form):
    name = forms.CharField(label=_("署名した者の氏名"), max_length=200, error_messages={
        "required": _("遵守事項を確認した者の氏名を入力してください。")})
    how = forms.CharField(label=_("確認の方法"), max_length=100, required=False,
                          initial=_("書面に署名"))


class ErasureForm(forms.Form):
    how = forms.ChoiceField(label=_("処理の内容"), choices=ErasureHow.choices, error_messages={
        "required": _("処理の内容（消去・返却・破砕等）を選んでください。")})
    confirmed_on = forms.DateField(label=_("確認した日"), widget=DATE, error_messages={
        "required": _("確認した日を入力してください。"),
        "invalid": _("日付を正しく入力してください。")})
    note = forms.CharField(label=_("確認の内容（報告書の日付・方法など）"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed_on"].initial = clock.today_jst()


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("完了とする理由"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}), error_messages={
                                 "required": _("完了とする理由を入力してください。")},
                             help_text=_("例: 請求者が申請を取り下げた、複製データを作成できな"
                                         "かった、リンクが受領されないまま失効した"))


class RecipientUndertakingForm(forms.Form):
    """On the public download page: the recipient undertakes before the download."""

    confirmed = forms.BooleanField(label=_("上記の遵守事項を確認し、遵守します"), error_messages={
        "required": _("遵守事項を確認し、チェックを入れてください。")})
    name = forms.CharField(label=_("受領者の氏名（所属・役職）"), max_length=200, error_messages={
        "required": _("受領者の氏名を入力してください。")})
