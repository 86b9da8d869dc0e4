"""The import contract: floors only point down, and no module imports itself round a cycle.

App (``cmast``) -> ``flows`` -> ``pipeline``; ``schemas`` imports nothing of ``pipeline``. Every
``import`` counts, at the top of a module or inside a function: a deferred import is still a
dependency, only a later one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cmast", "pipeline", "flows", "schemas")
#: What each floor may not import.
FORBIDDEN = {
    "pipeline": {"cmast", "flows"},
    "flows": {"cmast"},
    "schemas": {"pipeline", "flows", "cmast"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The project modules ``name`` imports (``from a import b`` counts ``a.b`` when that is a
    module, else ``a``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _known(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield from _known(full if full in known else base, known)


def _known(name: str, known: set[str]) -> Iterator[str]:
    while name and name not in known:
        name = name.rpartition(".")[0]
    if name:
        yield name


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imports_of(name, path, known)) - {name} for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm). A package's
    ``__init__`` importing its own submodules is not a cycle by itself: edges from a module to
    the package that contains it are left out (importing ``a.b`` runs ``a`` first anyway)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def targets(node: str) -> set[str]:
        return {t for t in edges.get(node, ()) if not node.startswith(t + ".")}

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in targets(node):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_floors_only_point_down():
    wrong = [
        f"{name} imports {target}"
        for name, targets in sorted(graph().items())
        for target in sorted(targets)
        if target.split(".")[0] in FORBIDDEN.get(name.split(".")[0], set())
    ]
    assert wrong == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_contract_would_catch_a_cycle_and_an_upward_import():
    """The checks above can fail: a made-up graph with both faults."""
    edges = {
        "pipeline.a": {"pipeline.b"},
        "pipeline.b": {"pipeline.a", "flows.x"},
        "flows.x": set(),
    }
    assert cycles(edges) == [["pipeline.a", "pipeline.b"]]
    upward = [t for t in edges["pipeline.b"] if t.split(".")[0] in FORBIDDEN["pipeline"]]
    assert upward == ["flows.x"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_found(package):
    if not (ROOT / package).exists():
        pytest.skip(f"no {package}/ package yet")
    assert any(name.split(".")[0] == package for name in modules())
