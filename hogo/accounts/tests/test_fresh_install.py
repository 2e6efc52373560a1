"""A real installation as its administrator starts it: `hogo setup`, and a bad profile file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="exercises the embedded SQLite default")
PROFILES = Path(__file__).resolve().parents[2] / "rules" / "profiles"


def hogo(data_dir, *args, **env):
    environment = dict(os.environ, HOGO_DATA_DIR=str(data_dir), **env)
    environment.pop("DATABASE_URL", None)
    exe = shutil.which("hogo", path=os.path.dirname(sys.executable))
    return subprocess.run([exe, *args], env=environment, capture_output=True, text=True,
                          timeout=300)


def test_setup_creates_the_one_organisation_and_its_administrator(tmp_path):
    assert hogo(tmp_path, "migrate", "-v", "0").returncode == 0
    made = hogo(tmp_path, "setup", "--organisation", "芦屋市", "--profile", "city",
                "--admin", "kanri", "--password-env", "PW", PW="kanri-setup-2026!")
    assert made.returncode == 0, made.stderr
    again = hogo(tmp_path, "setup", "--organisation", "別の市", "--profile", "city",
                 "--admin", "x", "--password-env", "PW", PW="kanri-setup-2026!")
    assert again.returncode != 0 and "one installation serves one organisation" in again.stderr
    weak = hogo(tmp_path / "other", "setup", "--organisation", "市", "--profile", "city",
                "--admin", "x", "--password-env", "PW", PW="123")
    assert weak.returncode != 0 and "password refused" in weak.stderr


def test_invalid_profile_stops_start_up_naming_the_field(tmp_path):
    bad = tmp_path / "profiles"
    shutil.copytree(PROFILES, bad)
    city = bad / "city.toml"
    city.write_text(city.read_text(encoding="utf-8").replace(
        "final_report_days = 30", "final_report_days = 45"), encoding="utf-8")
    result = hogo(tmp_path, "check", HOGO_PROFILE_DIR=str(bad))
    assert result.returncode != 0
    assert "incidents.final_report_days" in result.stderr and "city.toml" in result.stderr
