"""Shared test set-up: the demo organisation and logged-in clients.

Audit entries are append-only in the database, so tests that empty tables between runs
(transactional tests, the live server) lift the triggers for their teardown only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest

from hogo.clock import JST

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests
pytest_plugins = ["hogo.testing.s3"]  # `s3_endpoint`: a real moto_server for any test


@pytest.fixture(autouse=True)
def _audit_triggers_for_flush(request):
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if not transactional:
        yield
        return
    # Set up transactional_db first so that this teardown runs before its flush.
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from hogo.audit import triggers

    triggers.install(connection)
    yield
    triggers.remove(connection)


@pytest.fixture(autouse=True)
def _own_audit_anchors(tmp_path_factory):
    """Each test keeps the daily anchor apart: one test's anchor is not another's chain's
    (nor the PostgreSQL run's, which shares HOGO_DATA_DIR with the SQLite run)."""
    from django.conf import settings

    saved = settings.HOGO_AUDIT_ANCHOR_DIR
    settings.HOGO_AUDIT_ANCHOR_DIR = str(tmp_path_factory.mktemp("anchors"))
    yield
    settings.HOGO_AUDIT_ANCHOR_DIR = saved


@pytest.fixture(scope="session", autouse=True)
def _private_storage(tmp_path_factory):
    """Each test session stores footage in its own directories, as its database is new too."""
    from django.conf import settings

    from hogo.footage import objects

    root = tmp_path_factory.mktemp("storage")
    settings.HOGO_STORAGE.update(root=str(root / "objects"), keys_dir=str(root / "keys"))
    objects.reset()
    yield root
    objects.reset()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _private_storage):
    """Load the demo organisation once; each test's transaction is rolled back over it."""
    from hogo.web.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db):
    from hogo.web.demo import load_demo

    organisation, _ = load_demo()
    return organisation


@pytest.fixture
def user(demo):
    from hogo.accounts.models import User

    return lambda username: User.objects.get(username=username)


@pytest.fixture
def client_for(demo, client):
    """A test client logged in as a demo user."""
    from hogo.accounts.models import User

    def login(username: str):
        client.force_login(User.objects.get(username=username),
                           backend="hogo.accounts.backends.RoleBackend")
        return client

    return login


# Footage fixtures: short generated clips with recorder-style names, and an upload token.
T0 = dt.datetime(2025, 6, 3, 14, 0, 0, tzinfo=JST)


def _card(folder, count: int, seconds: int, size: tuple[int, int]):
    """`count` front-camera clips a minute apart, named as the flat profile expects."""
    from hogo.video.synth import make_clip

    made = []
    for n in range(count):
        start = T0 + dt.timedelta(minutes=n)
        path = folder / f"{start:%Y%m%d_%H%M%S}_F.mp4"
        make_clip(path, start, seconds, fps=10, size=size)
        made.append(path)
    return made


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    """Four 5-second clips a minute apart: separate recordings with gaps between."""
    return _card(tmp_path_factory.mktemp("card"), 4, 5, (320, 180))


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def recorder(demo):
    from hogo.registry.models import Recorder

    return Recorder.objects.get(serial="DEMO-0001")


@pytest.fixture
def token(demo):
    from hogo.accounts import services

    department = demo.departments.get(code="kanzai")
    return services.issue_token(demo, "車庫端末", by=None, department=department)[1]


@pytest.fixture(scope="session")
def continuous_clips(tmp_path_factory):
    """Three one-minute clips back to back (14:00-14:03), as a recorder writes while driving."""
    return _card(tmp_path_factory.mktemp("drive"), 3, 60, (320, 180))
