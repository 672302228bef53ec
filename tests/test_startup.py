"""Commands and workers start with only what they use: no admin, forms, limiter or images."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the test process itself has imported everything already.
PROBE = """
import json, sys
from flask.cli import FlaskGroup
group = FlaskGroup(create_app=lambda: __import__("app").app)
try:
    group.main(args=sys.argv[1:], prog_name="flask", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""

NOT_AT_START = ("PIL", "wtforms", "flask_wtf", "flask_login", "sqlalchemy", "seo.web.admin")


def run_probe(*args: str, tmp_path: Path) -> tuple[set[str], list[str]]:
    """The modules a command imported, and the lines it printed."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/start.sqlite", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    *printed, modules = result.stdout.strip().splitlines()
    return set(json.loads(modules)), printed


def modules_after(*args: str, tmp_path: Path) -> set[str]:
    return run_probe(*args, tmp_path=tmp_path)[0]


def loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


@pytest.mark.parametrize("args", [("seo", "build", "--help"), ("seo", "--help")])
def test_command_help_imports_no_admin_orm_or_images(args, tmp_path):
    modules = modules_after(*args, tmp_path=tmp_path)
    assert "seo.cli" in modules
    imported = [p for p in NOT_AT_START if loaded(modules, p)]
    assert not imported, f"`flask {' '.join(args)}` imported {imported}"


# What rendering pages needs, and a build with nothing to do does not.
RENDERING = (
    "seo.services.build_pages",
    "seo.services.rendering",
    "seo.core.pages",
    "seo.store.models",
    "sqlalchemy.orm",
)


def test_a_build_with_nothing_to_do_starts_without_the_renderer_or_the_models(tmp_path):
    out = str(tmp_path / "site")
    run_probe("seo", "init", tmp_path=tmp_path)
    modules, printed = run_probe("seo", "build", out, "--workers", "1", tmp_path=tmp_path)
    assert all(loaded(modules, p) for p in RENDERING), "the first build renders every page"
    modules, printed = run_probe("seo", "build", out, tmp_path=tmp_path)
    assert " 0 written, " in printed[-1] and " 0 removed " in printed[-1], printed
    imported = [p for p in RENDERING if loaded(modules, p)]
    assert not imported, f"`seo build` with nothing to do imported {imported}"


def test_views_and_extensions_load_on_the_first_request(app):
    assert "admin.login" not in app.view_functions
    assert app.test_client().get("/robots.txt").status_code == 200
    assert "admin.login" in app.view_functions
