"""Hardening (R-1001): the CSP on every response; HSTS, the HTTPS redirect and the proxy
header only with the one switch (HOGO_HTTPS, or its old name HOGO_SECURE_COOKIES).

Settings come from the environment at import, so the switch is tried in a child process with
its own environment and data directory, as a real start would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CSP_DIRECTIVES = ["script-src 'self'", "style-src 'self'", "object-src 'none'",
                  "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'"]

# Requests through Django's test client in a process whose settings read this environment.
PROBE = """
import json, django
django.setup()
from django.test import Client
client, out = Client(), {}
for name, path, extra in [
        ("plain", "/accounts/login/", {}),
        ("secure", "/accounts/login/", {"secure": True}),
        ("proxied", "/accounts/login/", {"HTTP_X_FORWARDED_PROTO": "https"}),
        ("health", "/api/health", {})]:
    response = client.get(path, **extra)
    out[name] = {"status": response.status_code, "location": response.get("Location", ""),
                 "hsts": response.get("Strict-Transport-Security"),
                 "csp": response.get("Content-Security-Policy")}
print(json.dumps(out))
"""


def _probe(tmp_path, **env: str) -> dict:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("HOGO_HTTPS", "HOGO_SECURE", "HOGO_HSTS"))}
    environment.update(HOGO_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="hogo.settings",
                       **env)
    done = subprocess.run([sys.executable, "-c", PROBE], env=environment, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/no-such-page/", "/api/health",
                                  "/api/docs"])
def test_every_response_carries_the_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    for directive in CSP_DIRECTIVES:
        assert directive in policy, (path, directive)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_without_the_switch_no_hsts_and_no_redirect(tmp_path):
    out = _probe(tmp_path)
    assert out["plain"]["status"] == 200 and out["plain"]["hsts"] is None
    assert out["secure"]["hsts"] is None
    assert out["plain"]["csp"] and "frame-ancestors 'none'" in out["plain"]["csp"]


@pytest.mark.parametrize("switch", ["HOGO_HTTPS", "HOGO_SECURE_COOKIES"])
def test_the_https_switch_turns_on_hsts_redirect_and_the_proxy_header(tmp_path, switch):
    out = _probe(tmp_path, **{switch: "true"})
    assert out["plain"]["status"] == 301
    assert out["plain"]["location"] == "https://testserver/accounts/login/"
    assert out["secure"]["status"] == 200
    assert out["secure"]["hsts"] == "max-age=31536000"  # no includeSubDomains unless asked
    # Behind the HTTPS proxy: its X-Forwarded-Proto makes the request secure, no redirect loop.
    assert out["proxied"]["status"] == 200 and out["proxied"]["hsts"] == "max-age=31536000"
    # The proxy's health probe still reaches hogo over plain HTTP.
    assert out["health"]["status"] == 200


def test_hsts_subdomains_only_when_asked(tmp_path):
    out = _probe(tmp_path, HOGO_HTTPS="true", HOGO_HSTS_INCLUDE_SUBDOMAINS="true",
                 HOGO_HSTS_SECONDS="600")
    assert out["secure"]["hsts"] == "max-age=600; includeSubDomains"


def test_no_template_carries_styles_the_policy_would_block():
    """style-src 'self': an inline <style> block or style="" attribute is silently dropped by
    the browser (a letter's seal box vanished so), so styles live in hogo's stylesheets."""
    from pathlib import Path

    import hogo

    inline = [str(path) for path in Path(hogo.__file__).parent.rglob("templates/**/*.html")
              if "<style" in path.read_text(encoding="utf-8")]
    assert inline == []
