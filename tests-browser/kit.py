"""The browser test kit: a real Chromium (Debian's, driven by Playwright) using the portal through the gateway,
checking every page it lands on as the standards ask: axe-core finds nothing (WCAG 2.2 A and AA), one h1 and no
skipped heading level, no server error, no browser console error (a Content-Security-Policy refusal included).
Screenshots of named pages go to SCREENSHOT_DIR."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "services" / "portal" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / ".run" / "screenshots"))


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_problems(html: str) -> list[str]:
    parser = _Headings()
    parser.feed(html)
    problems = []
    if parser.levels.count(1) != 1:
        problems.append(f"{parser.levels.count(1)} h1 elements")
    for before, after in zip(parser.levels, parser.levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"h{before} followed by h{after}")
    return problems


@dataclass
class Audit:
    """Every page the journeys visited, what axe found on each, and every problem (the suite fails on any)."""

    pages: dict[str, int] = field(default_factory=dict)  # path → violations found
    problems: list[str] = field(default_factory=list)
    rules_checked: int = 0

    def summary(self) -> dict:
        return {"pages_checked": len(self.pages), "axe_violations": sum(self.pages.values()),
                "problems": self.problems, "pages": self.pages}


class User:
    """One person in one browser context (own cookies), signed in or not."""

    def __init__(self, context, base: str, audit: Audit, *, javascript: bool = True):
        self.context = context
        self.page: Page = context.new_page()
        self.base = base
        self.audit = audit
        self.javascript = javascript
        self._fresh = False
        self.page.on("framenavigated", lambda frame: self._navigated(frame))
        self.page.on("console", lambda message: self._console(message))
        self.page.on("response", lambda response: self._response(response))

    # --- what every page is checked for -----------------------------------------------------------------

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self._fresh = True

    def _console(self, message) -> None:
        if message.type != "error" or not self._is_portal():  # not the stand-ins' own pages
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == self.page.url:
            return  # the page itself answered 404 or 422 (a page saying so): checked by the tests that expect it
        self.audit.problems.append(f"console error on {self.page.url}: {message.text} ({message.location.get('url')})")

    def _response(self, response) -> None:
        if response.status >= 500 and response.request.resource_type == "document":
            self.audit.problems.append(f"{response.status} for {response.url}")

    def check(self) -> None:
        """Check the page now shown, once per navigation."""
        if not self._fresh:
            return
        self._fresh = False
        self.page.wait_for_load_state()
        path = re.sub(r"^https?://[^/]+", "", self.page.url)
        key = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}", path.split("?")[0])
        key = re.sub(r"^/invitations/(?!accepted$)[^/]+", "/invitations/{token}", key)
        for problem in heading_problems(self.page.content()):
            self.audit.problems.append(f"{problem} on {path}")
        if self.javascript and self._is_portal():
            self.page.evaluate(AXE.read_text())
            result = self.page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
            for violation in result["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                self.audit.problems.append(f"axe {violation['id']} on {path}: {violation['help']} {targets}")
            self.audit.pages[key] = self.audit.pages.get(key, 0) + len(result["violations"])
            self.audit.rules_checked += len(result["passes"]) + len(result["violations"])
        elif self._is_portal():
            self.audit.pages.setdefault(key, 0)

    def _is_portal(self) -> bool:
        return self.page.url.startswith(self.base)

    # --- what a person does ------------------------------------------------------------------------------

    def goto(self, path: str):
        response = self.page.goto(path if path.startswith("http") else self.base + path)
        self.check()
        return response

    def click(self, text: str, *, exact: bool = False) -> None:
        """Follow a link or press a button with this text."""
        target = self.page.get_by_role("link", name=text, exact=exact).or_(
            self.page.get_by_role("button", name=text, exact=exact)).first
        target.click()
        self.page.wait_for_load_state()
        self.check()

    def press(self, text: str) -> None:
        self.page.get_by_role("button", name=text, exact=True).click()
        self.page.wait_for_load_state()
        self.check()

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def fill_date(self, field: str, day: date) -> None:
        for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
            self.page.locator(f"input[name='{field}-{part}']").fill(str(value))

    def upload(self, label: str, path: Path) -> None:
        self.page.get_by_label(label).set_input_files(str(path))

    # --- what a person sees ------------------------------------------------------------------------------

    @property
    def h1(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def expect_h1(self, text: str) -> None:
        expect(self.page.locator("h1")).to_contain_text(text)

    def sees(self, text: str) -> bool:
        return text in self.page.locator("main").inner_text()

    def expect_text(self, text: str) -> None:
        expect(self.page.locator("main")).to_contain_text(text)

    def errors(self) -> dict[str, str]:
        """The error summary: each message and the id of the field its link goes to (which must exist)."""
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        assert self.page.title().startswith("Error: "), self.page.title()
        found = {}
        for link in summary.locator("a").all():
            href = link.get_attribute("href")
            if href.startswith("#"):
                assert self.page.locator(href).count() == 1, f"the error summary links to {href}, which is not on the page"
            found[link.inner_text().strip()] = href
        return found

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    # --- signing in --------------------------------------------------------------------------------------

    def sign_in_as(self, email: str) -> None:
        """The local run's personas page: one click."""
        self.goto("/personas")
        self.page.locator(f"[id='persona-{email}']").click()
        self.page.wait_for_load_state()
        self.check()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state()
        self.check()

    def close(self) -> None:
        self.context.close()
