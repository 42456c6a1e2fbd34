"""Every variant's code keeps the architecture docs/architecture.md draws.

Imports run one way, in layers: core, then settings, then db and observability (which never
import each other), then web, then the resources, then extensions.py (which wires the
team's), then app.py; only the entry points (``__main__``, ``asgi``) import app.py.
``core`` loads no framework and no instrumentation, and the logging set-up loads no web
framework, so a worker or a script can log as the service does. Each Python template holds
at most a few Jinja statements, and no rendered function is longer than a reader takes in at
once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.harness import REPO_ROOT
from tests.harness.projects import UV, Project

# The layers, lowest first; a module may import its own layer's package and those below.
LAYERS = {
    "core": 0,
    "settings": 1,
    "db": 2,
    "observability": 2,
    "web": 3,
    "extensions": 5,  # the team's wiring of its own resources
    "app": 6,
    "server": 6,  # uvicorn, as __main__ runs it
    "__main__": 7,
    "asgi": 7,
}
RESOURCE_LAYER = 4  # any other package of the service: notes, and a team's own
# What a module of core must not load, even through what it imports.
FRAMEWORKS = ("fastapi", "starlette", "uvicorn", "opentelemetry.instrumentation", "sentry_sdk")
MAX_JINJA_STATEMENTS = 25
MAX_FUNCTION_LINES = 40


# Run in the variant's own interpreter, which parses its syntax (3.12+ generics, say): the
# service's modules with what each imports (typing-only imports included) and the length of
# each function, then what importing core, then the logging set-up, loads.
_PROBE = """
import ast, importlib, json, pathlib, sys
package, root = sys.argv[1], pathlib.Path(sys.argv[2])
modules, functions = {}, []
for path in sorted(root.rglob("*.py")):
    name = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.append([f"{name}.{node.name}", node.end_lineno - node.lineno + 1])
    modules[name] = sorted(m for m in imported if m == package or m.startswith(package + "."))
for name in [m for m in modules if m.startswith(package + ".core")]:
    importlib.import_module(name)
core = sorted(sys.modules)
importlib.import_module(package + ".observability.logs")
print(json.dumps({"modules": modules, "functions": functions, "core": core,
                  "logs": sorted(sys.modules)}))
"""


_PROBED: dict[Path, dict[str, Any]] = {}


def _probe(project: Project) -> dict[str, Any]:
    """What :data:`_PROBE` finds in ``project``, found once per variant."""
    if project.path in _PROBED:
        return _PROBED[project.path]
    package = str(project.answers["package_name"])
    source = str(project.path / "src" / package)
    result = project.run(
        "architecture", UV, "run", "--no-sync", "python", "-c", _PROBE, package, source
    )
    assert result.ok, result.explain()
    found: dict[str, Any] = json.loads(result.output.strip().splitlines()[-1])
    _PROBED[project.path] = found
    return found


def _layer(module: str) -> tuple[str, int]:
    group = module.split(".")[1] if "." in module else module
    return group, LAYERS.get(group, RESOURCE_LAYER)


def test_imports_run_down_the_layers(installed: Project) -> None:
    wrong = []
    for module, targets in _probe(installed)["modules"].items():
        group, layer = _layer(module)
        for target in targets:
            target_group, target_layer = _layer(target)
            if target_group != group and target_layer >= layer:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports that run up or across the layers:\n" + "\n".join(wrong)


def test_core_and_the_logging_set_up_load_no_framework(installed: Project) -> None:
    """What a script or a worker imports to log as the service does loads no web framework,
    no instrumentation and no error reporter."""
    probe = _probe(installed)
    for what, forbidden in (("core", FRAMEWORKS), ("logs", FRAMEWORKS[:3])):
        found = [module for module in probe[what] if module.startswith(forbidden)]
        assert not found, f"importing {what} loads {found[:5]}"


def test_rendered_functions_fit_in_a_reader_s_view(installed: Project) -> None:
    long = [
        f"{name}: {lines} lines"
        for name, lines in _probe(installed)["functions"]
        if lines > MAX_FUNCTION_LINES
    ]
    assert not long, "functions longer than a reader takes in at once:\n" + "\n".join(long)


def _python_templates() -> list[Path]:
    return sorted(
        path
        for path in (REPO_ROOT / "template").rglob("*")
        if ".py" in path.name and path.is_file()
    )


@pytest.mark.parametrize(
    "template", _python_templates(), ids=lambda path: str(path.relative_to(REPO_ROOT / "template"))
)
def test_a_python_template_holds_few_switches(template: Path) -> None:
    statements = len(re.findall(r"{%", template.read_text(encoding="utf-8")))
    assert statements <= MAX_JINJA_STATEMENTS, (
        f"{statements} Jinja statements: split the answers' code into files of their own"
    )
