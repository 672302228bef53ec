"""Read a rendered page: titles, meta tags, headings, links, images, JSON-LD and text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from html import unescape

from seo.audit.vocabulary import lineage, node_types

# Elements whose text is not read as the page's content: navigation, link lists, the
# templated contact block and tables of hours are location data, not written text.
SKIP_TAGS = {"script", "style", "template", "noscript"}
NOT_CONTENT_TAGS = {"aside", "nav", "table", "form", "footer", "address", "button", "select"}
NOT_CONTENT_CLASSES = {"side", "nap", "nearby", "share", "cta", "disclaimer", "crumbs"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr"}  # fmt: skip


@dataclass(frozen=True)
class Html:
    """What the audit reads from one rendered page."""

    titles: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()
    robots: tuple[str, ...] = ()
    canonicals: tuple[str, ...] = ()
    hreflangs: tuple[tuple[str, str], ...] = ()  # (hreflang, href) of <link rel="alternate">
    h1s: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # href of every <a>
    images_without_alt: tuple[str, ...] = ()  # src of every <img> with no alt attribute
    jsonld: tuple[str, ...] = ()  # the text of every <script type="application/ld+json">
    text: str = ""  # the visible text of <body>
    blocks: tuple[str, ...] = ()  # the main content's text, one string per paragraph/heading

    def without_text(self) -> Html:
        """The same page without its visible text (which only the page rules read)."""
        return replace(self, text="")

    @property
    def noindex(self) -> bool:
        return any("noindex" in value.lower() for value in self.robots)

    @cached_property
    def typed(self) -> list[tuple[dict, tuple[str, ...], frozenset[str]]]:
        """Every JSON-LD node with its types and their schema.org ancestors."""
        found = []
        for node in self.graph[0]:
            types = node_types(node)
            found.append((node, types, lineage(types)))
        return found

    @cached_property
    def graph(self) -> tuple[list[dict], list[str]]:
        """Every JSON-LD node with an @type, and the parse errors."""
        found, errors = [], []
        for source in self.jsonld:
            try:
                found.extend(typed_nodes(json.loads(source)))
            except ValueError as exc:
                errors.append(str(exc))
        return found, errors


def typed_nodes(value: object) -> Iterator[dict]:
    """Every dict with an @type inside a JSON-LD value, outermost first."""
    if isinstance(value, dict):
        if "@type" in value:
            yield value
        for item in value.values():
            yield from typed_nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from typed_nodes(item)


# html.parser, which matters at 100,000 pages (docs/BENCHMARKS.md).
TOKEN_RE = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S,
)
ATTR_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
RAW_TEXT_TAGS = ("script", "style")


def _attributes(source: str) -> dict[str, str]:
    """Attribute names (lower case) and values; a bare attribute has the value ''."""
    found: dict[str, str] = {}
    for name, double, single, bare in ATTR_RE.findall(source):
        value = double or single or bare
        found.setdefault(name.lower(), unescape(value) if "&" in value else value)
    return found


class _PageParser:
    """Collect titles, meta tags, headings, links, images, JSON-LD and text in one pass."""

    def __init__(self, pool: dict[str, str] | None):
        self.pool = pool if pool is not None else {}
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, outside content)
        self.skip = 0
        self.outside = 0
        self.in_body = self.in_main = False
        self.capture: str | None = None
        self.captured: list[str] = []
        self.titles: list[str] = []
        self.meta: dict[str, list[str]] = {"description": [], "robots": []}
        self.canonicals: list[str] = []
        self.hreflangs: list[tuple[str, str]] = []
        self.h1s: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.jsonld: list[str] = []
        self.text: list[str] = []
        self.block: list[str] = []
        self.blocks: list[str] = []

    def feed(self, source: str) -> None:
        """Tokenize a whole document and dispatch its tags and text."""
        position, end = 0, len(source)
        while position < end:
            match = TOKEN_RE.search(source, position)
            stop = match.start() if match else end
            if stop > position:
                data = source[position:stop]
                self.handle_data(unescape(data) if "&" in data else data)
            if match is None:
                break
            position = match.end()
            closing, tag = match.group(1), match.group(2)
            if tag is None:
                continue  # a comment, doctype or processing instruction
            tag = tag.lower()
            if closing:
                self.handle_endtag(tag)
                continue
            self.handle_starttag(tag, _attributes(match.group(3)) if match.group(3) else {})
            if tag in RAW_TEXT_TAGS:
                close = source.lower().find(f"</{tag}", position)
                close = end if close < 0 else close
                self.handle_data(source[position:close])
                position = close

    def flush(self) -> None:
        if self.block:
            text = " ".join("".join(self.block).split())
            if text:
                self.blocks.append(self.pool.setdefault(text, text))
            self.block = []

    def handle_starttag(self, tag: str, values: dict[str, str]) -> None:
        if tag == "meta":
            name = (values.get("name") or "").lower()
            if name in self.meta:
                self.meta[name].append(values.get("content") or "")
            return
        if tag == "link":
            rel = (values.get("rel") or "").lower().split()
            if "canonical" in rel:
                self.canonicals.append(values.get("href") or "")
            elif "alternate" in rel and "hreflang" in values:
                self.hreflangs.append((values["hreflang"] or "", values.get("href") or ""))
            return
        if tag == "img":
            if "alt" not in values:
                self.images.append(values.get("src") or "")
            return
        if tag == "a" and values.get("href") is not None:
            self.links.append(values["href"] or "")
        if tag in BLOCK_TAGS and self.in_main:
            self.flush()
        if tag in VOID_TAGS:
            return
        classes = set((values.get("class") or "").split())
        skipped = tag in SKIP_TAGS
        outside = tag in NOT_CONTENT_TAGS or bool(classes & NOT_CONTENT_CLASSES)
        self.stack.append((tag, skipped, outside))
        self.skip += skipped
        self.outside += outside
        if tag == "body":
            self.in_body = True
        elif tag == "main":
            self.in_main = True
        elif tag in ("title", "h1") or (tag == "script" and self._is_jsonld(values)):
            self.capture, self.captured = tag, []

    def _is_jsonld(self, values: dict[str, str]) -> bool:
        return (values.get("type") or "").lower() == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        stack = self.stack
        if tag in VOID_TAGS or not stack:
            return
        if stack[-1][0] != tag and all(name != tag for name, _s, _o in stack):
            return  # a stray end tag; when the tag is open, unclosed elements inside close too
        while stack:
            name, skipped, outside = stack.pop()
            self.skip -= skipped
            self.outside -= outside
            if name == tag:
                break
        if tag in BLOCK_TAGS and self.in_main:
            self.flush()
        if tag == self.capture:
            text = "".join(self.captured)
            if tag == "title":
                self.titles.append(" ".join(text.split()))
            elif tag == "h1":
                self.h1s.append(" ".join(text.split()))
            else:
                self.jsonld.append(text)
            self.capture = None
        if tag == "main":
            self.in_main = False

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.captured.append(data)
        if self.skip:
            return
        if self.in_body:
            self.text.append(data)
        if self.in_main and not self.outside:
            self.block.append(data)

    def result(self) -> Html:
        self.flush()
        return Html(
            titles=tuple(self.titles),
            descriptions=tuple(self.meta["description"]),
            robots=tuple(self.meta["robots"]),
            canonicals=tuple(self.canonicals),
            hreflangs=tuple(self.hreflangs),
            h1s=tuple(self.h1s),
            links=tuple(self.links),
            images_without_alt=tuple(self.images),
            jsonld=tuple(self.jsonld),
            text=" ".join(" ".join(self.text).split()),
            blocks=tuple(self.blocks),
        )


def parse_html(body: bytes | str, pool: dict[str, str] | None = None) -> Html:
    """Read a rendered page; `pool` shares equal text blocks between pages to save memory."""
    parser = _PageParser(pool)
    parser.feed(body.decode("utf-8") if isinstance(body, bytes) else body)
    return parser.result()
