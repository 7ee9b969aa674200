"""The packages import only downward (ingest <- assistant <- eval <- ui; the CLI in ui/cli is on top) and no
module imports itself through a chain of others. Every import counts: at the top, inside functions and under
`if TYPE_CHECKING`. The checker is tested on a small package tree of its own, so it cannot pass by seeing
nothing."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

LAYERS = ("ingest", "assistant", "eval", "ui")  # each may import only the ones before it
Edge = tuple[str, str]

# No exceptions: every module of ours imports only downward and never through a circle of others.
ALLOWED_UPWARD: frozenset[Edge] = frozenset()
ALLOWED_CYCLE_EDGES: frozenset[Edge] = frozenset()


# --- the checker --------------------------------------------------------------------------------------------
def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages under root."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(path) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name an import statement anywhere in the file names (`from a import b` gives a.b and a)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, path, node)
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours a dotted name refers to: `a.b.func` -> `a.b` when that is a module."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (the most specific module each import names)."""
    modules = module_files(root, packages)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {_resolve(name, modules) for name in imported_names(module, path)}
        graph[module] = _most_specific({t for t in targets if t and t != module})
    return graph


def _most_specific(targets: set[str]) -> set[str]:
    """`from a import b` names both a and a.b: keep a.b, drop the package a it came through."""
    return {t for t in targets if not any(other.startswith(t + ".") for other in targets)}


def layer_of(module: str, layers: tuple[str, ...] = LAYERS) -> int:
    return layers.index(module.split(".")[0])


def upward_imports(graph: dict[str, set[str]], layers: tuple[str, ...] = LAYERS) -> set[Edge]:
    """Edges from a package to one above it."""
    return {(a, b) for a, targets in graph.items() for b in targets if layer_of(b, layers) > layer_of(a, layers)}


def cycles(graph: dict[str, set[str]], ignored: frozenset[Edge] = frozenset()) -> list[set[str]]:
    """The groups of modules that import each other in a circle (strongly connected, > 1 module)."""
    edges = {a: {b for b in targets if (a, b) not in ignored and b in graph} for a, targets in graph.items()}
    return [group for group in _strongly_connected(edges) if len(group) > 1]


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Kosaraju: order by finish time, then collect components on the reversed graph."""
    order: list[str] = []
    seen: set[str] = set()
    for start in sorted(edges):
        _finish_order(start, edges, seen, order)
    reverse: dict[str, set[str]] = {node: set() for node in edges}
    for a, targets in edges.items():
        for b in targets:
            reverse[b].add(a)
    groups: list[set[str]] = []
    assigned: set[str] = set()
    for node in reversed(order):
        if node not in assigned:
            group: set[str] = set()
            _collect(node, reverse, assigned, group)
            groups.append(group)
    return groups


def _finish_order(start: str, edges: dict[str, set[str]], seen: set[str], order: list[str]) -> None:
    if start in seen:
        return
    seen.add(start)
    stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
    while stack:
        node, children = stack[-1]
        child = next((c for c in children if c not in seen), None)
        if child is None:
            stack.pop()
            order.append(node)
        else:
            seen.add(child)
            stack.append((child, iter(sorted(edges[child]))))


def _collect(start: str, reverse: dict[str, set[str]], assigned: set[str], group: set[str]) -> None:
    stack = [start]
    while stack:
        node = stack.pop()
        if node not in assigned:
            assigned.add(node)
            group.add(node)
            stack.extend(reverse[node] - assigned)


def cycle_edges(graph: dict[str, set[str]], group: set[str]) -> set[Edge]:
    return {(a, b) for a in group for b in graph[a] if b in group}


# --- the project --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PROJECT_ROOT, LAYERS)


def test_no_package_imports_one_above_it(graph: dict[str, set[str]]) -> None:
    found = upward_imports(graph) - ALLOWED_UPWARD
    assert not found, "upward imports:\n" + "\n".join(f"  {a} -> {b}" for a, b in sorted(found))


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    found = cycles(graph, ignored=ALLOWED_CYCLE_EDGES)
    assert not found, "import cycles:\n" + "\n".join(
        "  " + ", ".join(f"{a} -> {b}" for a, b in sorted(cycle_edges(graph, group))) for group in found
    )


def test_every_allowed_edge_still_exists(graph: dict[str, set[str]]) -> None:
    """A fixed violation must leave the allow-list too, so the list only shrinks."""
    edges = {(a, b) for a, targets in graph.items() for b in targets}
    assert not (ALLOWED_UPWARD | ALLOWED_CYCLE_EDGES) - edges


def test_the_cli_is_the_composition_root(graph: dict[str, set[str]]) -> None:
    def in_cli(module: str) -> bool:
        return module == "ui.cli" or module.startswith("ui.cli.")

    outside = {a for a, targets in graph.items() for b in targets if in_cli(b) and not in_cli(a)}
    assert not outside, f"only ui.cli may import ui.cli: {sorted(outside)}"


# --- the checker on a tree of its own -----------------------------------------------------------------------
def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "low/__init__.py": "",
    "low/a.py": "import json\n",
    "low/b.py": "from low import a\nfrom .a import json\n",
    "high/__init__.py": "",
    "high/c.py": "from low.b import a\n\ndef f():\n    import low.a\n",
}


def test_checker_passes_a_clean_tree(tmp_path: Path) -> None:
    graph = import_graph(write_tree(tmp_path, CLEAN), ("low", "high"))
    assert graph["low.b"] == {"low.a"}
    assert graph["high.c"] == {"low.b", "low.a"}
    assert not upward_imports(graph, ("low", "high"))
    assert not cycles(graph)


def test_checker_finds_an_upward_import_inside_a_function(tmp_path: Path) -> None:
    tree = {**CLEAN, "low/a.py": "def f():\n    from high.c import f\n"}
    graph = import_graph(write_tree(tmp_path, tree), ("low", "high"))
    assert upward_imports(graph, ("low", "high")) == {("low.a", "high.c")}


def test_checker_finds_a_cycle_through_relative_and_type_checking_imports(tmp_path: Path) -> None:
    tree = {
        **CLEAN,
        "low/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n",
    }
    graph = import_graph(write_tree(tmp_path, tree), ("low", "high"))
    assert cycles(graph) == [{"low.a", "low.b"}]
    assert not cycles(graph, ignored=frozenset({("low.a", "low.b")}))
