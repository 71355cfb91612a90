"""The layout's rules, read from the source with ``ast`` (docs/architecture.md).

* No import loop between units: a subpackage (``pipeline.core``, ``flows.cli``...) is one unit,
  a module lying directly in a top-level package (``pipeline.annotate``) is a unit of its own.
* Each layer imports only the layers below it: ``pipeline.core`` nothing of the project,
  ``pipeline.store`` only the core, ``crawlers`` only the core.
* Serving (``models`` outside ``models.training``) never imports training, and evaluation
  (``pipeline.evaluation``) is a leaf: only the command line and evaluation itself import it.
* SQL runs only in ``pipeline.store``: no other module calls ``.execute``, ``.executemany``,
  ``.sql`` or ``duckdb.connect`` (the exceptions, listed in :data:`SQL_OUTSIDE_STORE`, are
  not SQL).

Imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawlers", "pipeline", "models", "flows")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Project modules (or packages) ``tree`` imports at run time."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + is_package]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            # ``from pipeline import validate``: the submodule, when it is one
            for alias in node.names:
                found.add(f"{name}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def _modules() -> dict[str, set[str]]:
    """Every project module and the project modules it imports."""
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "shipped" not in p.parts]
    names = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        raw = _imported(ast.parse(path.read_text(encoding="utf-8")), name, path.stem == "__init__")
        # a bare top-level package (empty __init__) ties nothing together: left out
        graph[name] = {r for r in raw if r in names and r not in PACKAGES}
    return graph


def unit(module: str) -> str:
    """The unit a module belongs to: its subpackage, or itself when it lies in a top-level
    package (``pipeline.annotate``) or is one (``pipeline``)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def unit_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imports in graph.items():
        src = unit(module)
        for target in imports:
            dst = unit(target)
            if dst != src:
                edges[src].add(dst)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of units (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _modules()


def test_no_import_loop_between_units(graph: dict[str, set[str]]) -> None:
    cycle = find_cycle(unit_graph(graph))
    assert cycle is None, "import loop: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_loop() -> None:
    edges = {"pipeline.core": {"pipeline.store"}, "pipeline.store": {"pipeline.core"}}
    assert find_cycle(edges) == ["pipeline.core", "pipeline.store", "pipeline.core"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def _offenders(graph: dict[str, set[str]], source: str, allowed: tuple[str, ...]) -> list[str]:
    """``module -> import`` for each import of a module under ``source`` outside ``allowed``."""
    return sorted(
        f"{module} -> {target}"
        for module, imports in graph.items()
        if module == source or module.startswith(source + ".")
        for target in imports
        if not any(target == a or target.startswith(a + ".") for a in allowed)
    )


@pytest.mark.parametrize(
    ("layer", "allowed"),
    [
        ("pipeline.core", ("pipeline.core",)),
        ("pipeline.store", ("pipeline.store", "pipeline.core")),
        ("crawlers", ("crawlers", "pipeline.core")),
    ],
)
def test_layers_import_only_what_lies_below(
    graph: dict[str, set[str]], layer: str, allowed: tuple[str, ...]
) -> None:
    assert _offenders(graph, layer, allowed) == []


def test_serving_does_not_import_training(graph: dict[str, set[str]]) -> None:
    serving = [m for m in graph if m.startswith("models") and not m.startswith("models.training")]
    bad = sorted(
        f"{m} -> {t}"
        for m in serving
        for t in graph[m]
        if t.startswith(("models.training", "pipeline.evaluation"))
    )
    assert bad == []


def test_evaluation_is_a_leaf(graph: dict[str, set[str]]) -> None:
    bad = sorted(
        f"{m} -> {t}"
        for m, imports in graph.items()
        if not m.startswith(("pipeline.evaluation", "flows.cli"))
        for t in imports
        if t.startswith("pipeline.evaluation")
    )
    assert bad == []


# Modules outside pipeline.store whose ``.execute``/``.sql`` calls are not SQL, and why.
SQL_OUTSIDE_STORE: dict[str, str] = {
    "crawlers.frontier.seen": "pipe.execute() sends a Redis pipeline, not SQL",
}
SQL_CALLS = ("execute", "executemany", "sql")


def _sql_calls(tree: ast.AST) -> list[int]:
    """Line numbers of the calls in ``tree`` that run SQL: a method named ``execute``,
    ``executemany`` or ``sql``, and ``duckdb.connect``."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        func = node.func
        connects = (
            func.attr == "connect"
            and isinstance(func.value, ast.Name)
            and func.value.id == "duckdb"
        )
        if func.attr in SQL_CALLS or connects:
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_store_runs_sql() -> None:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "shipped" not in p.parts]
    found = sorted(
        f"{_module_name(path)}:{line}"
        for path in files
        if not _module_name(path).startswith("pipeline.store")
        and _module_name(path) not in SQL_OUTSIDE_STORE
        for line in _sql_calls(ast.parse(path.read_text(encoding="utf-8")))
    )
    assert found == [], "SQL outside pipeline/store/: " + ", ".join(found)


def test_the_sql_finder_finds_sql() -> None:
    tree = ast.parse("con.execute('SELECT 1')\nx = duckdb.connect()\ncon.sql('SELECT 2')\nf(1)")
    assert _sql_calls(tree) == [1, 2, 3]
    for module in SQL_OUTSIDE_STORE:  # an exception that no longer exists is taken off the list
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module
