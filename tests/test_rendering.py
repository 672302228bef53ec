"""Public page templates read only their own values, so they render without request context."""

from pathlib import Path

import jinja2
import pytest
from jinja2 import meta

from seo.core import pages
from seo.services.fragments import Fragments
from seo.services.rendering import PAGE_TEMPLATE_NAMES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def page_templates() -> list[Path]:
    """Each page kind's template and everything it extends or includes."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), extensions=[Fragments])
    todo = [f"public/{name}.html" for name in pages.KINDS]
    seen: list[str] = []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        todo.extend(n for n in meta.find_referenced_templates(env.parse(source)) if n)
    return [TEMPLATES / name for name in sorted(seen)]


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: p.name)
def test_page_template_reads_no_request_context(path):
    env = jinja2.Environment(extensions=[Fragments])
    names = meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
    assigned = {"reopens", "time_tag"}  # set inside the templates, under an {% if %}
    extra = sorted(names - PAGE_TEMPLATE_NAMES - assigned)
    assert not extra, f"{path.name} reads {extra}: pass it in the page's values instead"
