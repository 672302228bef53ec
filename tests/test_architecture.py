"""The layers hold: the pure folders import no framework, and no module imports in a cycle."""

import ast
from pathlib import Path

import pytest

SEO = Path(__file__).resolve().parent.parent / "seo"
PURE = ("core", "audit")  # folders of pure code: no web framework, no database, no I/O
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug", "alembic", "flask_login", "flask_wtf", "redis")
# Edges may depend inward only: the pure folders import nothing from the layers above them.
LAYERS = {"core": {"core"}, "audit": {"core", "audit"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(SEO.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, deferred (function-level) imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not path.is_relative_to(SEO):
        return {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from seo import audit` imports seo.audit; the graph walks up to a module.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def seo_files() -> list[Path]:
    return sorted(p for p in SEO.rglob("*.py") if "__pycache__" not in p.parts)


def pure_files() -> list[Path]:
    return [p for p in seo_files() if p.relative_to(SEO).parts[0] in PURE]


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: str(p.relative_to(SEO)))
def test_pure_module_imports_no_framework(path):
    bad = sorted(n for n in imported_modules(path) if n.split(".")[0] in FORBIDDEN)
    assert not bad, f"{path.relative_to(SEO)} imports {bad}; keep the core pure"


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: str(p.relative_to(SEO)))
def test_pure_module_imports_only_inner_layers(path):
    allowed = LAYERS[path.relative_to(SEO).parts[0]]
    seo = [n.split(".") for n in imported_modules(path) if n.startswith("seo.")]
    bad = sorted(".".join(n) for n in seo if n[1] not in allowed)
    assert not bad, f"{path.relative_to(SEO)} imports outer modules {bad}"


def import_graph() -> dict[str, set[str]]:
    """Module -> the seo modules it imports (a name imported from a package counts as the
    submodule when one exists, else as the package)."""
    modules = {module_name(p): p for p in seo_files()}
    graph = {}
    for name, path in modules.items():
        edges = set()
        for imported in imported_modules(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                edges.add(imported)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles():
    graph = import_graph()
    # A package's __init__ that only re-exports is not a cycle with its own submodules.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_cycle_finder_finds_a_deferred_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_import_reader_sees_deferred_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from flask import Flask\nimport sqlalchemy.orm\n")
    assert {"flask", "sqlalchemy.orm"} <= imported_modules(bad)
