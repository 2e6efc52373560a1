"""What the complaint tests share: a complaint as staff type it, and who was alerted."""

from __future__ import annotations

import pytest

from hogo.alerts.models import Alert
from hogo.alerts.waiting import waiting_for

COMPLAINT = {"received_via": "phone", "complainant_name": "市民 太郎",
             "complainant_contact": "090-0000-0000", "category": "filming",
             "text": "ごみ収集車のドライブレコーダーで自宅の玄関を撮られているようで不安です。",
             "vehicle_text": "ごみ収集車", "place": "デモ市東町2丁目"}


def complaint_data(**changes):
    return {**COMPLAINT, **changes}


def recipients(kind: str) -> list[str]:
    return sorted(a.recipient.username for a in Alert.objects.filter(kind=kind))


def kinds(person) -> list[str]:
    return [item.kind for item in waiting_for(person)]


@pytest.fixture
def kanzai(demo):
    return demo.departments.get(code="kanzai")


@pytest.fixture
def seiso(demo):
    return demo.departments.get(code="seiso")
