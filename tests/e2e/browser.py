"""A person at a Chromium tab, and the checks every page they land on must pass.

Every page the ``Visitor`` lands on is audited with axe-core (no serious or critical
violations), and the tab records console errors and uncaught exceptions, which fail
the test at the end. Navigation goes through ``visit`` or the ``lands()`` context
manager, which audit the new page; ``finish()`` refuses a test that reached a page
without auditing it, so "every page is checked" holds by construction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag

from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("NTRDB_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# axe-core comes from the npm registry into a git-ignored folder, on first use.
AXE_DIR = REPO / ".e2e"
AXE_PACKAGE = "axe-core@>=4.10 <5"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "screenshots"

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}

# The policy the ops app sends: the test server adds it to any response that has none,
# so an inline script or style attribute shows up here as a console error.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"

BLOCKING_IMPACTS = {"serious", "critical"}

# preload: false. axe re-reads each stylesheet to check orientation locks, and follows an @import
# (the admin's forms.css has one) by inserting a <style> into the page, which the strict CSP
# blocks: a console error of axe's own making. ntrdb's CSS has no orientation media query to find.
_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + "  " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""


def ensure_axe() -> Path:
    """Install axe-core with npm when it is missing; return the path of axe.min.js."""
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed once to install axe-core for the end-to-end tests (apt-get install npm)")
    command = [npm, "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund", AXE_PACKAGE]
    print(f"\nInstalling axe-core for the accessibility checks: {' '.join(command)}")
    subprocess.run(command, check=True, cwd=REPO)
    return AXE_SCRIPT


@dataclass
class Visitor:
    page: Page
    base_url: str
    # axe-core needs the page's timers, which stop with JavaScript: a visitor without it
    # is only checked for console errors (the same pages are audited with JavaScript on).
    audit: bool = True
    console_errors: list[str] = field(default_factory=list)
    landed: list[str] = field(default_factory=list)
    expected_error_pages: set[str] = field(default_factory=set)
    audited: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"{self.page.url}: uncaught {error}"))
        self.page.on("framenavigated", self._on_navigated)

    def _on_console(self, message):
        if message.type != "error":
            return
        if message.location.get("url") in self.expected_error_pages and message.text.startswith(
            "Failed to load resource"
        ):
            return  # the browser reports a page answered with an error status it was meant to have
        self.console_errors.append(f"{self.page.url}: {message.text}")

    def _on_navigated(self, frame):
        if frame != self.page.main_frame or not frame.url.startswith("http"):
            return
        url = urldefrag(frame.url).url
        # A jump to #reviews on the same page is not a new page.
        if not self.landed or self.landed[-1] != url:
            self.landed.append(url)

    # --- moving around -------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, *, expect_status: int = 200):
        if expect_status >= 400:
            self.expected_error_pages.add(self.url(path))
        response = self.page.goto(self.url(path))
        assert response.status == expect_status, f"{path} answered {response.status}"
        self.check()
        return response

    @contextlib.contextmanager
    def lands(self):
        """Wrap the click or key press that leads to another page; the new page is then checked."""
        with self.page.expect_navigation():
            yield
        self.check()

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    # --- checks ----------------------------------------------------------------------------

    def check(self):
        """Audit the page now shown: axe-core finds no serious or critical violation."""
        self.page.wait_for_load_state("load")
        if not self.audit:
            self.audited.append(urldefrag(self.page.url).url)
            return
        violations = [v for v in self.page.evaluate(_RUN_AXE) if v["impact"] in BLOCKING_IMPACTS]
        assert not violations, f"axe-core on {self.page.url}:\n" + "\n".join(
            f"- [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
        )
        self.audited.append(urldefrag(self.page.url).url)

    def finish(self):
        unchecked = [url for url in self.landed if url not in self.audited]
        assert not unchecked, f"pages reached without an accessibility check: {unchecked}"
        assert not self.console_errors, "console errors:\n" + "\n".join(self.console_errors)

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=full_page)
        return path
