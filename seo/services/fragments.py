"""Parts of a page rendered once and kept: `{% fragment "name", key, ... %}...{% endfragment %}`.

A fragment's bytes depend only on its name and keys (the values its block reads), so it is
rendered the first time a key is seen and its text reused after: a clinic's address and
hours block is rendered once for its location page and each of its landing pages, the
header and footer once per language. The text is the block's own output, so a page built
from kept fragments has exactly the bytes of one rendered whole.

A key that leaves out something its block reads would repeat stale text. With checking on
(the tests turn it on for the whole suite), every reuse renders the block again and stops
with `FragmentKeyError` when the text differs."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable

from jinja2 import Environment, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

KEPT = 512  # fragments kept per template environment, the least recently used dropped first

_checking = False
_lock = threading.Lock()  # threaded servers render pages side by side
_kept: weakref.WeakKeyDictionary[Environment, OrderedDict[Hashable, Markup]] = (
    weakref.WeakKeyDictionary()
)


class FragmentKeyError(AssertionError):
    """A fragment's block read something its keys leave out."""


def check(on: bool) -> None:
    """Render every reused fragment again and compare (slow: for tests)."""
    global _checking
    _checking = on


class Fragments(Extension):
    tags = {"fragment"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.Tuple(key, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, key: tuple, caller: Callable[[], Markup]) -> Markup:
        with _lock:
            kept = _kept.get(self.environment)
            if kept is None:
                kept = _kept[self.environment] = OrderedDict()
            text = kept.get(key)
            if text is not None:
                kept.move_to_end(key)
        if text is None:
            text = caller()  # outside the lock: a block may include other fragments
            with _lock:
                kept[key] = text
                if len(kept) > KEPT:
                    kept.popitem(last=False)
            return text
        if _checking and caller() != text:
            raise FragmentKeyError(f"fragment {key[0]!r}: its keys leave out a value it reads")
        return text
