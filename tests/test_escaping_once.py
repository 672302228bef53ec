"""Text is escaped exactly once, where it is written out; data and page state land together."""

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.services import page_state
from seo.store.db import get_engine
from seo.store.models import Location, PageState

ARTICLE = """# Ketamine Care in {{ city }}

## How does a first visit work?

Plan two hours & bring a friend: "drive home" rules apply in {{ city }}.

## Is there parking at {{ location_name }}?

Yes, free parking & a ramp at {{ location_name }}.
"""

LANDING = "/ketamine-infusion-therapy/ofallon-mo/"


def graph(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )


def test_placeholders_in_titles_and_answers_are_escaped_once(runner, client, tmp_path):
    path = tmp_path / "article.md"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(
        args=["seo", "import-article", str(path), "--service", "ketamine-infusion-therapy",
              "--allow-audit-errors"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = client.get(LANDING).get_data(as_text=True)
    assert "Ketamine Care in O&#39;Fallon</h2>" in html
    assert "&amp;#39;" not in html and "&amp;amp;" not in html
    faq = next(n for n in graph(html)["@graph"] if n["@type"] == "FAQPage")
    names = [q["name"] for q in faq["mainEntity"]]
    answers = [q["acceptedAnswer"]["text"] for q in faq["mainEntity"]]
    assert "Is there parking at Gateway Pain Relief O'Fallon?" in names
    assert 'Plan two hours & bring a friend: "drive home" rules apply in O\'Fallon.' in answers
    assert not any("&#" in text or "&amp;" in text or "&quot;" in text for text in answers + names)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_import_and_its_page_state_commit_together(app, runner, tmp_path, monkeypatch):
    """A failure after the rows are written but before page state is saved leaves neither."""
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    text = out.read_text(encoding="utf-8").replace(
        "Gateway Pain Relief Florissant,", "Gateway Pain Relief North County,", 1
    )
    out.write_text(text, encoding="utf-8")

    def crash(*_args, **_kwargs):
        raise RuntimeError("killed between the data and its page state")

    monkeypatch.setattr(page_state, "save", crash)
    result = runner.invoke(args=["seo", "import-locations", str(out)])
    assert result.exit_code != 0
    with app.app_context(), Session(get_engine()) as session:
        names = set(session.scalars(select(Location.name)))
        states = len(session.scalars(select(PageState.path)).all())
    assert "Gateway Pain Relief North County" not in names  # the data rolled back with it
    assert states == 59
