"""Rules for copies (複製データ) of footage — Ashiya rule Arts. 6-8; R-301-R-305.

A copy may be made only for a permitted use, only of the part needed, and is kept one year
(the profile's period) from the day it was made, unless one of the three listed reasons
extends it. Framework-free; the messages are Japanese because they are shown as refusals.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 29th-31st fall back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def copy_expires_on(made_on: dt.date, retention_months: int,
                    extended_until: dt.date | None = None) -> dt.date:
    """The first day the copy must be gone: made + period, or the end of an extension.

    A copy made on 2025-06-01 with the one-year default is erased on or after 2026-06-01.
    """
    expiry = add_months(made_on, retention_months)
    if extended_until is not None and extended_until >= expiry:
        return extended_until + dt.timedelta(days=1)
    return expiry


def copy_request_refusals(*, purpose: str, permitted: Collection[str], minutes: float,
                          max_minutes: int, long_range_reason: str, channels: Collection[str],
                          available_channels: Collection[str]) -> list[str]:
    """Why a copy request must be refused; empty when it may go ahead (R-301, R-302)."""
    refusals = []
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
