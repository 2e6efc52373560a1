"""Accountability test set-up: a yearly course everyone must take, and moving a person's
joining day into the past."""

import datetime as dt

import pytest

from hogo import clock


@pytest.fixture
def course(user):
    from hogo.accountability import training

    return training.create_course(user("privacy"), name="個人情報保護研修", kind="elearning",
                                  description="毎年受講する基礎研修")


@pytest.fixture
def joined_days_ago():
    from hogo.accounts.models import User

    def move(person, days: int):
        User.objects.filter(pk=person.pk).update(
            date_joined=clock.now() - dt.timedelta(days=days))
        person.refresh_from_db()
        return person

    return move


@pytest.fixture
def took(user):
    """Record that a person took a course `days` ago (entered by the privacy officer)."""
    from hogo.accountability import training

    def record(person, course, days: int):
        return training.record_training(
            user("privacy"), course, [person],
            taken_on=clock.today_jst() - dt.timedelta(days=days))

    return record
