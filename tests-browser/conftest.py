"""The whole system (as the end-to-end suite starts it, on its own ports, database and vhost) and real browsers.

Every test ends by checking that no page it visited had an accessibility violation, a heading problem, a server
error or a browser console error; the totals are written to .run/browser-audit.json and printed."""
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests-e2e"))

from system import session_system  # noqa: E402
from kit import CHROMIUM, CHROMIUM_ARGS, Audit, User  # noqa: E402


@pytest.fixture(scope="session")
def system(make_database, make_vhost, tmp_path_factory):
    yield from session_system(make_database, make_vhost, tmp_path_factory,
                              gateway_port=int(os.environ.get("BROWSER_GATEWAY_PORT", "19080")),
                              port_base=int(os.environ.get("BROWSER_PORT_BASE", "19000")))


@pytest.fixture(scope="session")
def audit():
    found = Audit()
    yield found
    out = ROOT / ".run" / "browser-audit.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(found.summary(), indent=2))
    print(f"\naxe-core (WCAG 2.2 A and AA): {len(found.pages)} pages checked, {sum(found.pages.values())} violations; "
          f"{found.rules_checked} rule checks; problems: {len(found.problems)} ({out})")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def people(system, chromium, audit):
    """people(email) → a person signed in (personas page) in their own browser; people() → one not signed in."""
    started = []
    problems_before = len(audit.problems)

    def person(email: str | None = None, *, javascript: bool = True) -> User:
        context = chromium.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900},
                                       base_url=system.gateway)
        user = User(context, system.gateway, audit, javascript=javascript)
        started.append(user)
        if email:
            user.sign_in_as(email)
        return user

    yield person
    for user in started:
        user.close()
    new = audit.problems[problems_before:]
    assert not new, "\n".join(new)
