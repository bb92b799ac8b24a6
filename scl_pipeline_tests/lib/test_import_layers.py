"""``lib/`` is pure and its packages follow the data: no ``lib`` module imports Dagster, and no
import cycle runs between ``lib`` packages or between ``lib`` modules (read from the source, so a
cycle hidden in a function-level import counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import scl_pipeline

LIB = Path(scl_pipeline.__file__).parent / "lib"
DAGSTER_ROOTS = {"dagster", "dagster_duckdb", "dagster_duckdb_pandas", "dagster_webserver", "dagster_postgres"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(LIB.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports anywhere in its body (``from a import b`` counts ``a.b`` when
    that is a module, else ``a``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _lib_graph() -> tuple[nx.DiGraph, dict[str, set[str]]]:
    modules = {_module_name(p): p for p in LIB.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    foreign: dict[str, set[str]] = {}
    for name, path in modules.items():
        for imported in _imports(path):
            if imported in modules and imported != name and not name.startswith(imported + "."):
                graph.add_edge(name, imported)
            foreign.setdefault(name, set()).add(imported.split(".")[0])
    return graph, foreign


def _package(module: str) -> str:
    """``scl_pipeline.lib.ingestion.validation.rules`` -> ``ingestion``; top-level lib modules are
    their own package."""
    return module.split(".")[2] if module.count(".") >= 2 else module


def test_no_lib_module_imports_dagster():
    _, foreign = _lib_graph()
    offenders = sorted(m for m, roots in foreign.items() if roots & DAGSTER_ROOTS)
    assert offenders == []


def test_no_import_cycle_between_lib_modules():
    graph, _ = _lib_graph()
    assert list(nx.simple_cycles(graph)) == []


def test_no_import_cycle_between_lib_packages():
    graph, _ = _lib_graph()
    packages = nx.DiGraph()
    packages.add_edges_from(
        (_package(a), _package(b)) for a, b in graph.edges if _package(a) != _package(b)
    )
    assert list(nx.simple_cycles(packages)) == []


def test_the_checker_sees_a_cycle_and_a_dagster_import(tmp_path, monkeypatch):
    """The checks above would fail on the faults they look for."""
    fake = tmp_path / "scl_pipeline" / "lib"
    (fake / "a").mkdir(parents=True)
    (fake / "b").mkdir()
    (fake / "a" / "x.py").write_text("from scl_pipeline.lib.b import y\n")
    (fake / "b" / "y.py").write_text("def f():\n    import dagster\n    from scl_pipeline.lib.a import x\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["LIB"]), "LIB", fake)
    graph, foreign = _lib_graph()
    assert list(nx.simple_cycles(graph))
    assert "dagster" in foreign["scl_pipeline.lib.b.y"]
