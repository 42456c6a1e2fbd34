"""Tier 2: a variant's docs pages, served as in production, run in a real browser.

The rendered suite checks each docs page's HTML and its Content-Security-Policy; only a
browser runs the pages' scripts under that policy. Debian's Chromium (``.ci/install-tools``),
headless, driven over the DevTools protocol by Playwright (docs/decisions/0016), loads
Swagger UI and ReDoc from the service's own process, at a host name that is not loopback and
in a secure context, as behind HTTPS: each page must render every operation of the OpenAPI
document, log no console error, meet no policy violation, and ask no other origin for
anything.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    BrowserType,
    ConsoleMessage,
    Page,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import variant_params
from tests.harness.projects import UV, Project, tool_environment
from tests.harness.readme_walk import free_port, stop_process_group
from tests.harness.validators import tool_command
from tests.harness.variants import answering

# The host the browser asks for; it resolves to the served process on this machine.
HOST = "service.test"
READY_SECONDS = 30
RENDER_MILLISECONDS = 15_000
# Every securitypolicyviolation event a page (or a frame of it) meets, kept for the test.
VIOLATIONS_SCRIPT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} refused ${event.blockedURI}`);
});
"""
SWAGGER_UI_OPERATIONS = """
() => [...document.querySelectorAll(".opblock")].map((block) => [
  block.querySelector(".opblock-summary-method")?.textContent.trim().toLowerCase(),
  block.querySelector(".opblock-summary-path")?.dataset.path,
])
"""
REDOC_OPERATIONS = """
() => [...document.querySelectorAll("[data-section-id^='operation/']")]
  .map((section) => section.dataset.sectionId.slice("operation/".length))
"""
# Waits for a page's content; what of the document it lacks.
Rendered = Callable[[Page], list[str]]
Operation = tuple[str, str, str]  # method, path, operationId


@dataclass(frozen=True)
class Served:
    """The service's process, listening on ``port`` with the docs on, in production."""

    port: int
    log: Path

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def openapi(self) -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.port}/openapi.json"
        with urllib.request.urlopen(url, timeout=5) as response:
            document: dict[str, Any] = json.loads(response.read())
        return document


@dataclass
class Visit:
    """What the browser saw of one page."""

    policy: str | None = None
    missing: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def problems(self, origin: str) -> list[str]:
        problems = [f"not rendered: {missing}" for missing in self.missing]
        if not self.policy or "default-src 'none'" not in self.policy:
            problems.append(f"not the service's Content-Security-Policy: {self.policy!r}")
        problems += [f"console error: {message}" for message in self.console_errors]
        problems += [f"policy violation: {violation}" for violation in self.violations]
        problems += [
            f"request to another origin: {url}"
            for url in self.requests
            if not url.startswith("data:") and _origin(url) != origin
        ]
        return problems


def _origin(url: str) -> str:
    """The origin of ``url``; a blob: URL's is the origin of the page that made it."""
    parts = urlsplit(url.removeprefix("blob:"))
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> str:
    (executable,) = tool_command("chromium", request)
    return executable


@pytest.fixture
def served(installed: Project, tmp_path: Path) -> Iterator[Served]:
    """``python -m <package>`` in production with the docs turned on, until the test ends."""
    prefix = f"{str(installed.answers['package_name']).upper()}_"
    port = free_port()
    env = {
        **tool_environment(),
        **installed.env,
        f"{prefix}ENVIRONMENT": "production",
        f"{prefix}DOCS__ENABLED": "true",
        f"{prefix}SERVER__PORT": str(port),
    }
    if installed.answers["database"] == "sqlite":
        env[f"{prefix}DATABASE__URL"] = f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    log = tmp_path / "service.log"
    with (
        log.open("wb") as output,
        subprocess.Popen(
            [UV, "run", "--no-sync", "python", "-m", str(installed.answers["package_name"])],
            cwd=installed.path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ) as server,
    ):
        try:
            _wait_until_live(port, server, log)
            yield Served(port, log)
        finally:
            stop_process_group(server)


def _wait_until_live(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(
        f"the service did not answer /health/live within {READY_SECONDS} s:\n"
        + log.read_text(encoding="utf-8", errors="replace"),
        pytrace=False,
    )


def _launch(playwright_chromium: BrowserType, executable: str, served: Served) -> Browser:
    return playwright_chromium.launch(
        executable_path=executable,
        headless=True,
        args=[
            "--headless",
            "--no-sandbox",
            # Nothing of Chromium's own (updates, safe browsing, …) on the network.
            "--disable-background-networking",
            # The service's name, not loopback: no page may take a path reserved for localhost.
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            # A secure context, as HTTPS gives in production (COOP applies, for one).
            f"--unsafely-treat-insecure-origin-as-secure={served.origin}",
        ],
    )


def _visit(context: BrowserContext, url: str, rendered: Rendered) -> Visit:
    """What the browser sees of ``url``, loaded in a new page until ``rendered``."""
    visit = Visit()
    page = context.new_page()
    page.on("console", lambda message: _console(visit, message))
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: visit.requests.append(request.url))
    response = page.goto(url)
    visit.policy = None if response is None else response.headers.get("content-security-policy")
    try:
        visit.missing = rendered(page)
        page.wait_for_load_state("networkidle")
    except PlaywrightError as error:
        visit.missing = [f"{url}: {error.message.splitlines()[0]}"]
    visit.violations = page.evaluate("window.__violations")
    page.close()
    return visit


def _console(visit: Visit, message: ConsoleMessage) -> None:
    if message.type == "error":
        visit.console_errors.append(message.text)


def _operations(document: dict[str, Any]) -> list[Operation]:
    """(method, path, operationId) of every operation of an OpenAPI document."""
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return [
        (method, path, str(operation["operationId"]))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]


def _swagger_ui_lacks(operations: list[Operation]) -> Rendered:
    def lacks(page: Page) -> list[str]:
        page.wait_for_selector(
            '.opblock .opblock-summary-path[data-path="/health/live"]',
            timeout=RENDER_MILLISECONDS,
        )
        shown = {tuple(pair) for pair in page.evaluate(SWAGGER_UI_OPERATIONS)}
        return [f"{method} {path}" for method, path, _ in operations if (method, path) not in shown]

    return lacks


def _redoc_lacks(operations: list[Operation]) -> Rendered:
    live = next(
        id_ for method, path, id_ in operations if (method, path) == ("get", "/health/live")
    )

    def lacks(page: Page) -> list[str]:
        page.wait_for_selector(f'[data-section-id="operation/{live}"]', timeout=RENDER_MILLISECONDS)
        shown = set(page.evaluate(REDOC_OPERATIONS))
        return [f"{method} {path}" for method, path, id_ in operations if id_ not in shown]

    return lacks


@pytest.mark.parametrize(
    "variant", variant_params(answering("database", "sqlite")[:1]), indirect=True
)
def test_the_docs_pages_run_in_chromium_under_the_service_s_policy(
    chromium: str, served: Served
) -> None:
    operations = _operations(served.openapi())
    pages = {"/docs": _swagger_ui_lacks(operations), "/redoc": _redoc_lacks(operations)}
    with sync_playwright() as playwright:
        browser = _launch(playwright.chromium, chromium, served)
        try:
            context = browser.new_context()
            context.add_init_script(VIOLATIONS_SCRIPT)
            visits = {
                path: _visit(context, f"{served.origin}{path}", rendered)
                for path, rendered in pages.items()
            }
        finally:
            browser.close()

    problems = [
        f"{path}: {problem}"
        for path, visit in visits.items()
        for problem in visit.problems(served.origin)
    ]
    assert not problems, "\n".join([*problems, f"(the service's log: {served.log})"])
    assert all(visit.requests for visit in visits.values())
