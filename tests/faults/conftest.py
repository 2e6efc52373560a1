"""The fault matrix: kill -9 a real hogo process mid-work, then check the invariants.

Each test runs on the session's database (SQLite, or PostgreSQL under scripts/with_postgres.py)
and once per store backend (a local directory, a prefix on the moto S3 server). The data is
committed (transactional tests), so the child process sees it; the child uses exactly the
test database pytest-django made and the test's own store.
"""

from __future__ import annotations

import datetime as dt

import pytest

CHUNK = 64 * 1024  # small store chunks: a clip of a few MiB is many chunks


@pytest.fixture(params=["local", "s3"])
def fault_store(request, tmp_path):
    from hogo.testing.stores import store_settings, using_store

    endpoint = request.getfixturevalue("s3_endpoint") if request.param == "s3" else None
    configured = store_settings(request.param, tmp_path / "store", endpoint=endpoint,
                                chunk_size=CHUNK)
    with using_store(configured):
        yield configured


@pytest.fixture
def catalogue(transactional_db, fault_store):
    """Committed data, starting from nothing but the demo organisation (no footage): rows
    left by earlier tests point at blobs of other stores."""
    from django.core.management import call_command
    from django.db import connection

    from hogo.audit import triggers
    from hogo.web.demo import load_demo

    triggers.remove(connection)
    call_command("flush", verbosity=0, interactive=False)
    triggers.install(connection)
    return load_demo(footage=False)[0]


@pytest.fixture
def hogo(catalogue, fault_store, tmp_path):
    from django.db import connection

    from hogo.testing.processes import Hogo

    logs = tmp_path / "logs"
    logs.mkdir()
    children = Hogo(str(connection.settings_dict["NAME"]), fault_store, logs)
    yield children
    children.kill_all()


def assert_invariants(hogo, kills: int = 3) -> None:
    """Every invariant holds as the kills left things, except that each kill may have left
    one orphan blob (killed after a commit, before its blob was deleted); after the orphan
    sweep (no grace) the store holds exactly the keyed objects and nothing else is wrong;
    `hogo audit verify` agrees in a process of its own."""
    from hogo.footage import invariants
    from hogo.footage.orphans import sweep_orphans

    found = invariants.problems(orphan_grace=dt.timedelta(0))
    orphans = [line for line in found if line.endswith("(unreadable orphan)")]
    assert [line for line in found if line not in orphans] == []
    assert len(orphans) <= kills, orphans
    sweep_orphans(grace=dt.timedelta(0))
    assert invariants.problems(orphan_grace=dt.timedelta(0)) == []
    code, output = hogo.run("audit", "verify", timeout=120)
    assert code == 0, output
