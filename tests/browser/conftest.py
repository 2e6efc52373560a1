"""A real Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(os.environ.get(
    "HOGO_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `python3 scripts/system_deps.py` as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    from hogo.web.demo import load_demo

    load_demo()
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login(page):
    def log_in(username: str) -> None:
        page.goto(f"{page.base_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", f"demo-{username}-2026")
        page.click("[data-testid=login-submit]")
        page.wait_for_url(f"{page.base_url}/")

    return log_in


def save_shot(page, name: str) -> Path:
    """A full-page screenshot in var/screenshots/ (what the closing note looks at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot(page):
    return lambda name: save_shot(page, name)


def logged_in(browser, url: str, username: str, width: int = 1280):
    """A new browser context at this width, logged in as a demo user: (context, page)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username}-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{url}/")
    return context, page


@pytest.fixture
def session_for(browser, live_server):
    """A separate browser context logged in as a demo user: (context, page)."""
    contexts = []

    def open_as(username: str, width: int = 1280):
        context, page = logged_in(browser, live_server.url, username, width)
        contexts.append(context)
        return context, page

    yield open_as
    for context in contexts:
        context.close()
