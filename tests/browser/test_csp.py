"""Hardening (R-1001) in Chromium: the Content-Security-Policy refuses nothing hogo itself
sends, on the key pages of several roles, and htmx still works under it.

Chromium reports each refusal on the console ("Refused to execute inline script because it
violates the following Content Security Policy directive …"); any such message fails. The
test first proves that an inline script really is refused and reported on these pages.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CSP_WORDS = ("Content Security Policy", "Refused to")


def _watch(page, seen: list[str]) -> None:
    page.on("console", lambda message: seen.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))


def _refusals(seen: list[str]) -> list[str]:
    return [line for line in seen if any(word in line for word in CSP_WORDS)]


def _visit(page, path: str) -> None:
    response = page.goto(f"{page.base_url}{path}")
    assert response.status == 200, (path, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def test_an_inline_script_is_refused_and_reported(browser, live_server, transactional_db):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.base_url = live_server.url
    seen: list[str] = []
    _watch(page, seen)
    _visit(page, "/accounts/login/")
    assert _refusals(seen) == [], seen  # the log-in page itself is clean
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.injected = true"; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)  # the console message arrives asynchronously
    assert page.evaluate("window.injected === undefined")
    assert _refusals(seen), seen
    context.close()


def test_key_pages_of_each_role_run_under_the_policy(session_for, live_server, transactional_db):
    from hogo.web.demo import load_demo

    load_demo()
    seen: list[str] = []

    # Staff: the dashboard and the incident report form, submitted (it alerts the manager).
    _, staff = session_for("staff")
    staff.base_url = live_server.url
    _watch(staff, seen)
    _visit(staff, "/")
    staff.click("[data-testid=report-incident]")
    staff.fill("input[name=title]", "USBメモリの紛失")
    staff.select_option("select[name=kind]", "loss")
    staff.fill("textarea[name=what_happened]", "営業所で保管していたUSBメモリが見当たらない。")
    staff.fill("input[name=noticed_how]", "朝の点検で気付いた")
    staff.fill("input[name=people]", "3")
    staff.click("[data-testid=report]")
    staff.wait_for_selector("text=直ちに通知しました")

    # Operator: footage search, a timeline (bars placed by app.js, not inline styles), copies.
    _, operator = session_for("operator")
    operator.base_url = live_server.url
    _watch(operator, seen)
    _visit(operator, "/footage/")
    operator.click("a:text('デモ 300 さ 10-01 公用車1号')")
    from hogo.web.demo import footage_start

    # the demo's footage day: today, or yesterday before its clips are over (never future)
    operator.fill("input[name=day]", footage_start().date().isoformat())
    operator.click("button:text('表示')")
    operator.wait_for_selector(".lane-bars .bar")
    lefts = operator.eval_on_selector_all(".lane-bars .bar", "bars => bars.map(b => b.style.left)")
    assert len(lefts) == 3 and len(set(lefts)) == 3 and all(v.endswith("%") for v in lefts)
    _visit(operator, "/copies/")
    operator.click("[data-testid=new-copy]")
    operator.wait_for_selector("select[name=vehicle]")

    # Manager: the alert from the report, acknowledged through htmx without a page load.
    _, manager = session_for("manager")
    manager.base_url = live_server.url
    _watch(manager, seen)
    _visit(manager, "/")
    alert = manager.locator("#alerts li", has_text="USBメモリの紛失")
    assert alert.count() == 1
    manager.evaluate("window.stillThisPage = true")
    alert.locator("button").click()
    alert.wait_for(state="detached")
    assert manager.evaluate("window.stillThisPage === true")  # swapped by htmx, not reloaded
    _visit(manager, "/media/")

    # Auditor: the audit log filter, an htmx request that pushes its URL.
    _, auditor = session_for("auditor")
    auditor.base_url = live_server.url
    _watch(auditor, seen)
    _visit(auditor, "/audit/")
    auditor.evaluate("window.stillThisPage = true")
    auditor.fill("input[name=action]", "login.")
    auditor.click("button:text('絞り込む')")
    auditor.wait_for_url("**action=login.*")
    auditor.wait_for_selector("#audit-rows code:text-is('login.succeeded')")
    assert auditor.evaluate("window.stillThisPage === true")

    # Privacy officer and system administrator: policy, incidents, the admin, the API docs.
    _, privacy = session_for("privacy")
    privacy.base_url = live_server.url
    _watch(privacy, seen)
    for path in ("/", "/accounts/policy/", "/incidents/"):
        _visit(privacy, path)
    from hogo.incidents.models import Incident

    incident = Incident.objects.get(title="USBメモリの紛失")
    document = f"/incidents/{incident.pk}/documents/announcement/"
    _visit(privacy, document)
    asked: list[str] = []
    privacy.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    privacy.evaluate("window.stillThisPage = true")
    privacy.locator("[data-confirm]").first.click()  # app.js asks; dismissed, nothing is sent
    assert asked and privacy.evaluate("window.stillThisPage === true")
    _visit(privacy, f"{document}print/")  # the print page's own stylesheet, no inline <style>
    assert "Mincho" in privacy.evaluate("getComputedStyle(document.body).fontFamily")
    _, sysadmin = session_for("sysadmin")
    sysadmin.base_url = live_server.url
    _watch(sysadmin, seen)
    for path in ("/admin/", "/admin/registry/vehicle/", "/admin/registry/vehicle/add/",
                 "/admin/registry/recorder/add/"):
        _visit(sysadmin, path)
    _visit(sysadmin, "/api/docs")
    sysadmin.wait_for_selector(".swagger-ui .info")

    assert _refusals(seen) == [], "\n".join(_refusals(seen))


def test_the_folded_menu_opens_under_the_policy(browser, live_server, transactional_db):
    """On a phone the menu is one button; app.js (not an inline handler) opens it."""
    from hogo.web.demo import load_demo

    load_demo(footage=False)
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.base_url = live_server.url
    seen: list[str] = []
    _watch(page, seen)
    _visit(page, "/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", "demo-manager-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")
    toggle = page.locator("[data-testid=menu-toggle]")
    assert toggle.is_visible() and not page.locator("#menu-items").is_visible()
    toggle.click()
    assert page.locator("#menu-items").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.click("#menu-items a[data-menu='copies:register']")
    page.wait_for_url(f"{live_server.url}/copies/")
    assert _refusals(seen) == [], "\n".join(_refusals(seen))
    context.close()
