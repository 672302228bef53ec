"""The core modules stay free of the web framework and the database."""

import ast
from pathlib import Path

import pytest

CORE = ["articles", "hours", "locations", "pages", "schema_org", "sitemaps", "audit"]
CORE += ["appointments_core"]
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug", "alembic", "flask_login", "flask_wtf")
SEO = Path(__file__).resolve().parent.parent / "seo"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", [m for m in CORE if (SEO / f"{m}.py").exists()])
def test_core_module_imports_no_framework(module):
    names = imported_modules(SEO / f"{module}.py")
    bad = sorted(n for n in names if n.split(".")[0] in FORBIDDEN)
    assert not bad, f"seo/{module}.py imports {bad}; keep the core pure"


@pytest.mark.parametrize("module", [m for m in CORE if (SEO / f"{m}.py").exists()])
def test_core_module_imports_only_core(module):
    names = imported_modules(SEO / f"{module}.py")
    edge = sorted(n for n in names if n.startswith("seo.") and n.split(".")[1] not in CORE)
    assert not edge, f"seo/{module}.py imports edge modules {edge}"


def test_import_test_catches_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport sqlalchemy.orm\n")
    assert {"flask", "sqlalchemy.orm"} <= imported_modules(bad)
