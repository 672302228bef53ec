"""Fragments kept between renders: the same bytes as rendering whole, and a key that leaves
out a value its block reads is caught while checking."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from seo.services import fragments

TEMPLATE = '{% fragment "card", who %}<p>{{ who }} {{ extra }}</p>{% endfragment %}|{{ n }}'


@pytest.fixture
def env():
    return Environment(
        loader=DictLoader({"t": TEMPLATE}), autoescape=True, extensions=[fragments.Fragments]
    )


def test_kept_text_is_the_block_output(env):
    template = env.get_template("t")
    assert template.render(who="<Ann>", extra="x", n=1) == "<p>&lt;Ann&gt; x</p>|1"
    # Kept: the block is not rendered again for the same key (only the rest of the page).
    assert template.render(who="<Ann>", extra="x", n=2) == "<p>&lt;Ann&gt; x</p>|2"
    assert template.render(who="Bo", extra="x", n=3) == "<p>Bo x</p>|3"


def test_a_key_that_leaves_out_a_value_is_caught_while_checking(env):
    template = env.get_template("t")
    template.render(who="Ann", extra="x", n=1)
    with pytest.raises(fragments.FragmentKeyError, match="'card'"):
        template.render(who="Ann", extra="y", n=1)


def test_without_checking_the_kept_text_is_reused(env, monkeypatch):
    monkeypatch.setattr(fragments, "_checking", False)
    template = env.get_template("t")
    template.render(who="Ann", extra="x", n=1)
    # What checking guards against: the key names `who` only.
    assert template.render(who="Ann", extra="y", n=1) == "<p>Ann x</p>|1"


def test_kept_fragments_are_bounded(env, monkeypatch):
    monkeypatch.setattr(fragments, "KEPT", 3)
    template = env.get_template("t")
    for n in range(10):
        template.render(who=f"w{n}", extra="x", n=n)
    assert len(fragments._kept[env]) == 3
