"""The first draft of an organisation's notice from what hogo already knows, so that a city
and a driving school each start from a sensible page instead of a blank form (R-601).

What it takes: the organisation's name; its policy profile (a public body publishes under
Chapter 5, a business the Chapter 4 items of Act Art. 32 — address, representative, security
measures); the footage purposes the profile lists for copies (`copies.permitted_uses`); the
cameras and microphones of its recorders (what the vehicles' sticker says is recorded); the
privacy officer's department as the counter for requests and complaints; and, where the
profile says the organisation reports to an association (a driving school), that
association's complaints contact (Cabinet Order Art. 10(iii): a member of an accredited
personal information protection organisation publishes its name and complaints contact).
The privacy officer corrects every value before the first publication.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hogo.accounts.models import Organisation, Role, User
from hogo.accounts.policy import effective_profile
from hogo.registry import services as registry
from hogo.registry.models import Channel, Recorder


def _counter(organisation: Organisation) -> str:
    """Where requests and complaints go: the privacy officer's department, by its name."""
    officer = (User.objects.filter(organisation=organisation, role=Role.PRIVACY_OFFICER,
                                   is_active=True).select_related("department")
               .order_by("pk").first())
    department = officer.department.name if officer and officer.department else ""
    return " ".join(part for part in (organisation.name, department) if part)


def recorded_data(organisation: Organisation) -> str:
    """「ドライブレコーダーで記録した映像（前方・車内）及び音声」 from the organisation's
    recorders (front only when it has none yet)."""
    recorders = Recorder.objects.filter(vehicle__department__organisation=organisation)
    seen: set[str] = set()
    microphone = False
    for recorder in recorders:
        seen.update(recorder.channels)
        microphone = microphone or recorder.has_microphone
    codes = [code for code, _label in Channel.choices if code in seen] or [Channel.FRONT]
    cameras = registry.channel_labels(codes)
    if microphone:
        return _("ドライブレコーダーで記録した映像（%(cameras)s）及び音声") % {"cameras": cameras}
    return _("ドライブレコーダーで記録した映像（%(cameras)s）") % {"cameras": cameras}


def purposes(organisation: Organisation) -> list[tuple[str, str]]:
    """(data, purpose) for each footage use the profile lists."""
    data = recorded_data(organisation)
    return [(data, use.label_ja) for use in effective_profile(organisation).permitted_uses]


def security_measures() -> dict[str, str]:
    """The measures hogo itself takes, by the guideline's categories; the business adds its
    own (training, its rules) before publishing."""
    return {
        "basic_policy": _("個人データの適正な取扱いの確保のため、関係法令・ガイドライン等の遵守、"
                          "質問及び苦情処理の窓口等について基本方針を定めています。"),
        "rules": _("取得、利用、保存、提供、削除・廃棄の段階ごとに、取扱方法、責任者・担当者及び"
                   "その任務について規程を定めています。"),
        "organisational": _("個人情報保護管理者を置き、ドライブレコーダーの映像は管理責任者が"
                            "指定した操作取扱者に限って取り扱わせています。映像の閲覧・複製・提供"
                            "はすべて改ざんを検知できる記録に残し、定期的に点検しています。"),
        "human": _("個人データの取扱いに関する留意事項について、従業者に定期的な研修を行って"
                   "います。"),
        "physical": _("映像を持ち出す記録媒体は施錠できる保管庫で管理し、持出し・返却を記録して"
                      "います。複製データは保存期間が過ぎると消去し、消去の記録を残しています。"),
        "technical": _("映像は暗号化して保存し、役割と所属に応じて利用できる者を限定しています。"
                       "ログインには試行回数の制限を設けています。"),
        "external": _("個人データは日本国内で保存しており、外国において取り扱っていません。"),
    }


def dashcam_text(organisation: Organisation) -> str:
    """What the sticker on the vehicles says, with what is recorded and whose it is."""
    return _("【ドライブレコーダー録画中】この車両は、事故の原因究明等のため、%(data)sを記録して"
             "います。映像の取扱いは%(name)sの公表事項をご覧ください。") % {
        "data": recorded_data(organisation), "name": organisation.name}


def first_draft(organisation: Organisation) -> dict[str, Any]:
    """The Notice field values of a first draft (purposes apart: `purposes`)."""
    profile = effective_profile(organisation)
    counter = _counter(organisation)
    business = not profile.is_public_body
    values: dict[str, Any] = {
        "published_name": organisation.name,
        "requests_where": _("%(counter)s（個人情報保護の担当窓口）。窓口のほか郵送でも受け付け"
                            "ます。") % {"counter": counter},
        "requests_bring": _(
            "請求書（窓口に用意しています）。本人確認書類：運転免許証、マイナンバーカード（個人番号"
            "は記録しません）、旅券、在留カード等。写真のない書類（健康保険の資格確認書、年金手帳"
            "等）は2点。郵送の場合は本人確認書類の写しと、30日以内に作成された住民票の写し。代理人"
            "の場合は、法定代理人は資格を示す書類（戸籍謄本等）、任意代理人は委任状と本人の本人確認"
            "書類。"),
        "complaints_contact": _("%(counter)s（個人情報保護管理者）") % {"counter": counter},
        "dashcam_text": dashcam_text(organisation),
        "security_measures": security_measures() if business else {},
        "association_contact": "",
    }
    if profile.value("incidents.association_report"):
        values["association_contact"] = _(
            "一般社団法人全日本指定自動車教習所協会連合会（全指連）個人情報保護に関する苦情相談窓口")
    return values
