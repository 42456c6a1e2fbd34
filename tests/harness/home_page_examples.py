"""The home page's examples, taken from rendered services rather than written by hand.

``uv run python -m tests.harness.home_page_examples`` renders two variants, serves the second
as in production with an OTLP receiver of its own tests, and rewrites the blocks of
``docs/index.md`` that follow an ``<!-- example: NAME -->`` marker: the default answers' tree,
an access-log line, a problem answer and a request's spans as the receiver decodes them. Values
that change from run to run (times, ids, durations) are shown as ``<placeholders>``.
``tests/test_docs.py`` fails when the page and a fresh run differ.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.harness import REPO_ROOT
from tests.harness.projects import Projects
from tests.harness.variants import BASE_ANSWERS, Variant

INDEX = REPO_ROOT / "docs" / "index.md"
# The default answers, and one with tracing and the example resource (no Google Cloud: its
# log lines use Cloud Logging's field names).
TREE_VARIANT = Variant("docs-tree", {**BASE_ANSWERS, "project_name": "My Service"})
SERVED_VARIANT = Variant(
    "docs-served", {**BASE_ANSWERS, "tracing": "otlp", "metrics": "prometheus"}
)
# A marked block: its opening fence, its lines (none of them a fence), its closing fence.
BLOCK = re.compile(
    r"(<!-- example: (?P<name>[a-z-]+) -->\n```\w+\n)(?P<body>(?:(?!```)[^\n]*\n)*)(```)"
)
TREE_DEPTH = 3

# Run in the served variant's environment, from its directory: its own test helpers serve it
# and receive its spans.
SERVE = r"""
import json, os, subprocess, sys, tempfile
from pathlib import Path

import httpx

from tests.receivers.otlp import OtlpReceiver
from tests.serving import serve, server_env

# The database file named as a team's would be (spans name it), in a directory of its own
# that the service runs in; the migrations run from the project, which configures them.
directory = tempfile.mkdtemp()
subprocess.run(
    [sys.executable, "-m", "alembic", "upgrade", "head"],
    env=server_env(DATABASE__URL=f"sqlite+aiosqlite:///{directory}/service.db"),
    check=True,
    capture_output=True,
)
os.chdir(directory)
url = "sqlite+aiosqlite:///service.db"
with OtlpReceiver() as receiver:
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    with serve(environ, DATABASE__URL=url) as served:
        served.wait_until_live()
        created = httpx.post(
            f"{served.url}/v1/notes", json={"title": "Groceries", "body": "Oat milk"}
        )
        read = httpx.get(f"{served.url}/v1/notes/{created.json()['id']}")
        missing = httpx.get(f"{served.url}/v1/notes/999999")
        stopped = served.stop()
    spans = receiver.spans()
print(json.dumps({
    "logs": [json.loads(line) for line in stopped.stdout.splitlines() if line.strip()],
    "problem": missing.json(),
    "problem_status": missing.status_code,
    "read_status": read.status_code,
    "spans": spans,
}))
"""

# What changes from run to run, by key (or an attribute's last dotted part).
PLACEHOLDERS = {
    "timestamp": "<time>",
    "request_id": "<request id>",
    "trace_id": "<trace id>",
    "span_id": "<span id>",
    "duration_ms": "<ms>",
    "user_agent": "<user agent>",
    "original": "<user agent>",
    "port": "<port>",
    "version": "<version>",
    "request.id": "<request id>",
}


def tree(project: Path) -> str:
    """The project's directories and files, ``TREE_DEPTH`` levels deep, directories first."""
    lines = [f"{project.name}/"]

    def walk(directory: Path, depth: int) -> None:
        entries = sorted(
            (entry for entry in directory.iterdir() if entry.name not in {".git", ".venv"}),
            key=lambda entry: (entry.is_file(), entry.name),
        )
        for entry in entries:
            suffix = "/" if entry.is_dir() else ""
            lines.append(f"{'  ' * depth}{entry.name}{suffix}")
            if entry.is_dir() and depth < TREE_DEPTH:
                walk(entry, depth + 1)

    walk(project, 1)
    return "\n".join(lines)


PORT = re.compile(r"(127\.0\.0\.1:)\d+")


def _stable_value(key: str, value: object) -> object:
    """``value``, or its placeholder when it changes from run to run."""
    placeholder = PLACEHOLDERS.get(key, PLACEHOLDERS.get(key.rpartition(".")[2]))
    if placeholder is not None:
        return placeholder
    return PORT.sub(r"\1<port>", value) if isinstance(value, str) else value


def _stable(record: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _stable_value(key, value) for key, value in record.items()}


def access_log_line(logs: list[dict[str, Any]]) -> str:
    (line,) = [
        record
        for record in logs
        if record.get("event") == "http_request"
        and record.get("method") == "GET"
        and record.get("status") == 200
    ]
    return json.dumps(_stable(line), ensure_ascii=False)


def problem(answer: Mapping[str, Any]) -> str:
    return json.dumps(_stable(answer), indent=2, ensure_ascii=False)


def span_tree(spans: list[dict[str, Any]], route: str) -> str:
    """The request's server span and its children: each name and kind, then its attributes."""
    (root,) = [
        span
        for span in spans
        if span["attributes"].get("http.route") == route
        and "200"
        in {str(value) for key, value in span["attributes"].items() if key.endswith("status_code")}
    ]
    children = [span for span in spans if span["parentSpanId"] == root["spanId"]]

    def lines(span: dict[str, Any], depth: int) -> list[str]:
        kind = str(span.get("kind", "")).removeprefix("SPAN_KIND_")
        indent = "    " * depth
        attributes = [
            f"{indent}    {key} = {' '.join(str(_stable_value(key, value)).split())}"
            for key, value in sorted(span["attributes"].items())
        ]
        return [f"{indent}{span['name']} ({kind})", *attributes]

    return "\n".join([*lines(root, 0), *(line for child in children for line in lines(child, 1))])


def generate(projects: Projects) -> dict[str, str]:
    """The examples, by their markers' names."""
    rendered = projects.rendered(TREE_VARIANT)
    served = projects.installed(SERVED_VARIANT)
    ran = served.run("examples", "uv", "run", "--no-sync", "python", "-c", SERVE)
    if not ran.ok:
        raise RuntimeError(ran.explain())
    result = json.loads(ran.output.strip().splitlines()[-1])
    if (result["read_status"], result["problem_status"]) != (200, 404):
        raise RuntimeError(f"unexpected answers: {result}")
    return {
        "tree": tree(rendered.path).replace(rendered.path.name, "my-service", 1),
        "access-log": access_log_line(result["logs"]),
        "problem": problem(result["problem"]),
        "spans": span_tree(result["spans"], "/v1/notes/{note_id}"),
    }


def with_examples(page: str, examples: Mapping[str, str]) -> str:
    """``page`` with each marked block's body replaced by its example."""

    def replace(match: re.Match[str]) -> str:
        return f"{match[1]}{examples[match['name']]}\n{match[4]}"

    return BLOCK.sub(replace, page)


def marked(page: str) -> dict[str, str]:
    return {match["name"]: match["body"].removesuffix("\n") for match in BLOCK.finditer(page)}


if __name__ == "__main__":
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        # Copier reads none of the user's settings, as in the tests.
        settings = Path(directory, "copier-settings.yml")
        settings.write_text("{}\n", encoding="utf-8")
        os.environ["COPIER_SETTINGS_PATH"] = str(settings)
        examples = generate(Projects(Path(directory, "projects")))
    INDEX.write_text(with_examples(INDEX.read_text(encoding="utf-8"), examples), encoding="utf-8")
    sys.stdout.write(f"rewrote {len(examples)} examples in {INDEX}\n")
