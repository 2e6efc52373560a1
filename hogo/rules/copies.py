"""Rules for copies (複製データ) of footage — the organisation's own rule on copies; R-301-R-305.

A copy may be made only for a permitted use, only of the part needed, and is kept one year
(the profile's period) from the day it was made, unless one of the three listed reasons
extends it. Framework-free; the messages are Japanese because they are shown as refusals.

The period is counted as the Civil Code counts it: the day the copy was made is not counted
(Art. 140), and a period of months or years ends at the end of the day before the day that
corresponds to its first day, or on the last day of the month when that month has no such day
(Art. 143(2), Art. 141). That last day is the one date people see, 「保存期間の満了日」; the copy
is erased from the next day on. An extension names a new 満了日 the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection

DAY = dt.timedelta(days=1)
# The purpose of a copy made for an approved third-party provision (第三者提供): not one of the
# profile's permitted uses but the decision on a written request (own rule on provision).
PROVISION_PURPOSE = "third_party_provision"
# The purpose of a copy made to disclose a person's own footage to them (本人からの開示請求):
# the request is its ground; it is disclosed only as a processed copy.
PERSONAL_REQUEST_PURPOSE = "personal_request"
# Copies made for a request leave only through that request's own hand-over.
REQUEST_PURPOSES = (PROVISION_PURPOSE, PERSONAL_REQUEST_PURPOSE)


def period_end(made_on: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` that starts with the event on `made_on`.

    Made 2025-06-01: the period starts 2025-06-02 (Art. 140), the corresponding day a year
    later is 2026-06-02, so it ends on 2026-06-01 (Art. 143(2)). Made 2024-02-29: it starts
    2024-03-01 and ends 2025-02-28. Made 2025-01-30, one month: it starts 2025-01-31 and
    February has no 31st, so it ends 2025-02-28 (the proviso).
    """
    if months < 0:
        raise ValueError("a period cannot be negative")
    first = made_on + DAY
    month_index = first.month - 1 + months
    year, month = first.year + month_index // 12, month_index % 12 + 1
    last_of_month = calendar.monthrange(year, month)[1]
    if first.day > last_of_month:  # no corresponding day: the month's last day
        return dt.date(year, month, last_of_month)
    return dt.date(year, month, first.day) - DAY


def copy_expires_on(made_on: dt.date, retention_months: int,
                    extended_until: dt.date | None = None) -> dt.date:
    """The copy's 保存期間の満了日: the last day it is kept (the period's end, or the end of an
    extension that goes further). It is erased from the next day (`erasure_from`)."""
    expiry = period_end(made_on, retention_months)
    if extended_until is not None and extended_until > expiry:
        return extended_until
    return expiry


def erasure_from(expires_on: dt.date) -> dt.date:
    """The first day the copy must be gone: the day after its 満了日 (Art. 141)."""
    return expires_on + DAY


def is_due_for_erasure(expires_on: dt.date, today: dt.date) -> bool:
    """Whether a copy kept until `expires_on` must be erased on `today`."""
    return today >= erasure_from(expires_on)


def copy_request_refusals(*, purpose: str, permitted: Collection[str], minutes: float,
                          max_minutes: int, long_range_reason: str, channels: Collection[str],
                          available_channels: Collection[str], justification: str = "",
                          min_reason_chars: int = 0) -> list[str]:
    """Why a copy request must be refused; empty when it may go ahead (R-301, R-302).

    The reason must be at least `min_reason_chars` characters (the profile's minimum: a
    sentence that says which event the copy is for, not 「確認」)."""
    refusals = []
    if len(justification.strip()) < min_reason_chars:
        refusals.append(reason_too_short(min_reason_chars, justification))
    if purpose not in permitted:
        refusals.append("複製できるのは規則で定める利用目的（事故の原因究明・保険請求の事務処理、"
                        "捜査・裁判への証拠提出など）の場合に限られます。指定された目的では複製できません。")
    if minutes <= 0:
        refusals.append("終了日時は開始日時より後にしてください。")
    elif minutes > max_minutes and not long_range_reason.strip():
        refusals.append(f"{max_minutes}分を超える範囲の複製には、必要な理由の記載が必要です"
                        "（必要な部分に限って複製します）。")
    if not channels:
        refusals.append("複製するカメラを1つ以上選んでください。")
    elif not set(channels) <= set(available_channels):
        refusals.append("この車両のドライブレコーダーにないカメラが指定されています。")
    return refusals


def reason_too_short(min_reason_chars: int, justification: str) -> str:
    """The refusal of a reason shorter than the profile's minimum, with both counts."""
    return (f"必要な理由は{min_reason_chars}文字以上で具体的に書いてください"
            f"（事故の日時・場所、照会番号など。いまは{len(justification.strip())}文字です）。")
