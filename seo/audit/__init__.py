"""Audit rendered pages: one small function per rule, one RULES table, plain values in and out."""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from functools import cache, cached_property
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from seo.core.locations import Location, display_phone

ERROR, WARNING, INFO = "error", "warning", "info"
LEVELS = (ERROR, WARNING, INFO)
# The schema.org release terms.
VOCABULARY = Path(__file__).parent.parent / "data" / "schemaorg-terms.json"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem on one page: what is wrong, where, and what to do."""

    level: str
    rule: str
    path: str
    field: str
    message: str


@dataclass(frozen=True)
class AuditConfig:
    """Thresholds of the audit; docs/AUDIT.md explains each default."""

    title_min: int = 30  # shorter titles waste the search-result line
    title_max: int = 60  # search results cut titles at about 60 characters (~600 px)
    description_min: int = 70
    description_max: int = 160  # search results cut snippets at about 160 characters
    shingle_words: int = 5
    boilerplate_share: float = 0.5  # a shingle on >= half a service's pages is shared text
    min_local_words: int = 50  # words of location-specific text each landing page needs
    max_similarity: float = 0.5  # Jaccard of two pages' location-specific shingles
    num_perm: int = 128  # MinHash permutations: about +/-0.04 error on the estimate
    keyword_max_density: float = 0.03  # share of the main text's words spent on the keyword
    keyword_max_repeats: int = 2  # times the keyword may appear in one paragraph
    review_max_age_days: int = 365  # medical content is re-reviewed at least yearly


# --- parsed HTML ------------------------------------------------------------------

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


# A tokenizer for the site's own well-formed output: about five times faster than
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
            if "canonical" in (values.get("rel") or "").lower().split():
                self.canonicals.append(values.get("href") or "")
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


# --- the audited page ---------------------------------------------------------------


@dataclass(frozen=True)
class AuditPage:
    """One published page as the audit sees it: where it lives, its data and its HTML."""

    path: str
    url: str  # the absolute URL the site publishes for this path (and the sitemap lists)
    kind: str  # home, locations, state, location, service, landing
    html: Html
    service: str = ""  # service slug of a service hub or landing page
    location: Location | None = None  # the clinic a location or landing page shows
    keyword: str = ""  # the target search phrase, e.g. "... near me florissant mo"
    in_sitemap: bool = True
    medical: bool = False  # carries medical content (landing pages)
    reviewed_by: str = ""
    last_reviewed: date | None = None
    disclaimer: str = ""  # the disclaimer text the page must show
    error: str = ""  # why the page could not be rendered; only its data is then checked


# --- small text helpers ---------------------------------------------------------------

WORD_RE = re.compile(r"[\w'’-]+")
DIGITS_RE = re.compile(r"\D")
NEAR_ME_RE = re.compile(r"\bnear me\b", re.I)
MARK = "_loc_"  # stands in for the page's own city, clinic name, address and phone


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def phone_digits(text: str) -> str:
    """The ten digits of a US number (without the leading 1), or ''."""
    digits = DIGITS_RE.sub("", text)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def safe_display_phone(phone: str) -> str:
    """The (314) 555-0101 form of a stored phone, without failing on a bad one."""
    if len(phone) == 12 and phone.startswith("+1") and phone[2:].isdigit():
        return f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"  # what phonenumbers prints, faster
    try:
        return display_phone(phone) if phone else ""
    except Exception:  # an unparsable stored phone has no display form
        return phone


def phone_shown(digits: str, text: str) -> bool:
    """Whether a ten-digit US number appears in the text in one of the common notations."""
    if len(digits) != 10:
        return digits in text
    a, b, c = digits[:3], digits[3:6], digits[6:]
    forms = (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"+1{digits}")
    return any(form in text for form in forms)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


# --- page rules ---------------------------------------------------------------------

Issue = tuple[str, str]  # (field, message) from a page rule
SiteIssue = tuple[str, str, str]  # (path, field, message) from a site rule


def page_render_failed(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every published page can be composed and rendered."""
    if page.error:
        yield (
            "page",
            f"The page could not be built ({page.error}): fix the location or article data "
            "it uses.",
        )


def title_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every page needs one non-empty <title>."""
    if not any(page.html.titles):
        yield "title", "The page has no <title>: give it a title of 30-60 characters."
    elif len(page.html.titles) > 1:
        yield "title", f"The page has {len(page.html.titles)} <title> elements: keep one."


def title_too_short(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Flag titles shorter than config.title_min characters."""
    title = page.html.titles[0] if page.html.titles else ""
    if title and len(title) < config.title_min:
        yield (
            "title",
            f"The title is {len(title)} characters ({title!r}): lengthen it to "
            f"{config.title_min}-{config.title_max}, naming the service and the city.",
        )


def title_too_long(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Flag titles longer than config.title_max characters (search results cut them)."""
    title = page.html.titles[0] if page.html.titles else ""
    if len(title) > config.title_max:
        yield (
            "title",
            f"The title is {len(title)} characters; search results cut it after about "
            f"{config.title_max}: shorten it ({title!r}).",
        )


def description_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every page needs one non-empty meta description."""
    if not any(d.strip() for d in page.html.descriptions):
        yield (
            "description",
            "The page has no meta description: write one of "
            f"{config.description_min}-{config.description_max} characters.",
        )
    elif len(page.html.descriptions) > 1:
        yield "description", "The page has several meta descriptions: keep one."


def description_too_short(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Flag descriptions shorter than config.description_min characters."""
    text = page.html.descriptions[0].strip() if page.html.descriptions else ""
    if text and len(text) < config.description_min:
        yield (
            "description",
            f"The meta description is {len(text)} characters: lengthen it to "
            f"{config.description_min}-{config.description_max} so it can sell the visit.",
        )


def description_too_long(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Flag descriptions longer than config.description_max characters."""
    text = page.html.descriptions[0].strip() if page.html.descriptions else ""
    if len(text) > config.description_max:
        yield (
            "description",
            f"The meta description is {len(text)} characters; search results cut it after "
            f"about {config.description_max}: shorten it.",
        )


def h1_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every page needs a visible <h1>."""
    if not any(page.html.h1s):
        yield "h1", "The page has no <h1> heading: give it one naming the service and city."


def h1_multiple(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A page has exactly one <h1>."""
    if len(page.html.h1s) > 1:
        shown = "; ".join(repr(h) for h in page.html.h1s[:3])
        yield "h1", f"The page has {len(page.html.h1s)} <h1> headings ({shown}): keep one."


def _needs_clinic(page: AuditPage) -> bool:
    return page.location is not None and page.kind in ("location", "landing")


def name_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows the clinic's name."""
    if _needs_clinic(page) and not page.location.name.strip():
        yield "name", "The clinic has no name: fill in the location's name."


def address_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows a full street address."""
    if not _needs_clinic(page):
        return
    loc = page.location
    for name, value in (
        ("street_address", loc.street_address),
        ("city", loc.city),
        ("state", loc.state),
        ("postal_code", loc.postal_code),
    ):
        if not value.strip():
            label = name.replace("_", " ")
            yield name, f"The clinic's address has no {label}: fill in the location's {label}."


def phone_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows a phone number people can call."""
    if _needs_clinic(page) and not page.location.phone.strip():
        yield "phone", "The clinic has no phone number: fill in the location's phone."


def coordinates_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page gives map coordinates (JSON-LD geo)."""
    if _needs_clinic(page) and page.location.latitude is None:
        yield (
            "latitude",
            "The clinic has no coordinates: add latitude and longitude so maps and search "
            "engines place it exactly.",
        )


def hours_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows opening hours."""
    if _needs_clinic(page) and not page.location.opening_hours.strip():
        yield (
            "opening_hours",
            "The clinic has no opening hours: add them (e.g. Mo-Fr 09:00-17:00).",
        )


def clinic_node(page: AuditPage) -> dict | None:
    """The page's first LocalBusiness node in its JSON-LD."""
    for node, _types, ancestry in page.html.typed:
        if "LocalBusiness" in ancestry:
            return node
    return None


def nap_of(node: dict) -> dict[str, str]:
    """Name, street address, postal code and phone digits of a LocalBusiness node."""
    address = node.get("address") if isinstance(node.get("address"), dict) else {}
    return {
        "name": str(node.get("name") or ""),
        "street_address": str(address.get("streetAddress") or ""),
        "postal_code": str(address.get("postalCode") or ""),
        "phone": phone_digits(str(node.get("telephone") or "")),
    }


def nap_mismatch(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """The name, address and phone in the JSON-LD are the ones the page shows and the data holds."""
    if not _needs_clinic(page):
        return
    node = clinic_node(page)
    if node is None:
        return
    nap, loc, text = nap_of(node), page.location, page.html.text
    expected = {
        "name": loc.name,
        "street_address": loc.street_address,
        "postal_code": loc.postal_code,
        "phone": phone_digits(loc.phone),
    }
    for name, value in expected.items():
        if value and nap[name] != value:
            yield (
                name,
                f"The JSON-LD {name.replace('_', ' ')} {nap[name]!r} differs from the "
                f"location's {value!r}: republish the page so both say the same.",
            )
    for name in ("name", "street_address", "postal_code"):
        if nap[name] and nap[name] not in text:
            yield (
                name,
                f"The {name.replace('_', ' ')} {nap[name]!r} in the JSON-LD is not shown on the "
                "page: show the same name, address and phone as the markup.",
            )
    if nap["phone"] and not phone_shown(nap["phone"], text):
        yield (
            "phone",
            f"The phone {safe_display_phone(loc.phone) or nap['phone']} in the JSON-LD is not "
            "shown on the page: show the same phone number as the markup.",
        )


def canonical_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every page names its canonical URL once."""
    if not any(page.html.canonicals):
        yield "canonical", f'The page has no <link rel="canonical">: point it at {page.url}.'
    elif len(set(page.html.canonicals)) > 1:
        yield "canonical", "The page names several different canonical URLs: keep one."


def canonical_mismatch(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """The canonical URL is the URL the sitemap lists for the page."""
    canonical = page.html.canonicals[0] if page.html.canonicals else ""
    if canonical and canonical != page.url:
        where = "the sitemap lists" if page.in_sitemap else "the page is published at"
        yield (
            "canonical",
            f"The canonical URL {canonical} differs from {page.url}, which {where}: make them "
            "the same URL.",
        )


def noindex_in_sitemap(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A page that asks not to be indexed is not offered in a sitemap."""
    if page.html.noindex and page.in_sitemap:
        yield (
            "noindex",
            "The page says noindex but is listed in the sitemap: remove it from the sitemap "
            "or allow indexing.",
        )


def missing_from_sitemap(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """An indexable page is offered in a sitemap."""
    if not page.html.noindex and not page.in_sitemap:
        yield (
            "sitemap",
            "The page can be indexed but no sitemap lists it: refresh the page state "
            "(re-save the location or run seo init).",
        )


def keyword_topic(page: AuditPage) -> str:
    """The keyword without "near me" and the place: "neuropathic pain treatment"."""
    topic = words(NEAR_ME_RE.split(page.keyword.lower())[0])
    if page.location is not None:
        place = set(words(page.location.city)) | {page.location.state.lower()}
        topic = [w for w in topic if w not in place]
    return " ".join(topic)


def keyword_stuffing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """The target keyword reads naturally: not repeated in a paragraph or across the text."""
    topic = keyword_topic(page).split()
    if not topic or not page.html.blocks:
        return
    phrase = " ".join(topic)
    total = found = 0
    for block in page.html.blocks:
        total += block.count(" ") + 1  # blocks are whitespace-normalised
        lowered = block.lower()
        count = lowered.count(phrase) if topic[0] in lowered else 0
        found += count
        if count > config.keyword_max_repeats:
            yield (
                "intro",
                f"The phrase {' '.join(topic)!r} appears {count} times in one paragraph "
                f"({block[:60]!r}…): write it at most {config.keyword_max_repeats} times and "
                "describe the clinic instead.",
            )
            return
    density = found * len(topic) / total if total else 0.0
    if density > config.keyword_max_density:
        yield (
            "intro",
            f"The phrase {' '.join(topic)!r} makes up {density:.1%} of the text (limit "
            f"{config.keyword_max_density:.0%}): use it less and write about the clinic.",
        )


def near_me_in_text(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """The search phrase "near me" is never pasted into titles or visible text."""
    for name, text in (
        ("title", " ".join(page.html.titles)),
        ("description", " ".join(page.html.descriptions)),
        ("intro", page.html.text),
    ):
        match = NEAR_ME_RE.search(text) if "near me" in text.lower() else None
        if match:
            start = max(match.start() - 30, 0)
            yield (
                name,
                f"The text says 'near me' (…{text[start : match.end() + 30]}…): people search "
                "with that phrase but pages name the place instead; rewrite it.",
            )


def image_alt_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every image has an alt attribute (empty for decorative images)."""
    for src in page.html.images_without_alt:
        yield "images", f"The image {src or '(no src)'} has no alt text: describe it in alt."


def medical_review_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Medical content names its reviewer and the review date."""
    if not page.medical:
        return
    if not page.reviewed_by.strip():
        yield (
            "reviewed_by",
            f"The {page.service} article names no medical reviewer: add the clinician who "
            "reviewed it.",
        )
    if page.last_reviewed is None:
        yield (
            "last_reviewed",
            f"The {page.service} article has no review date: add the date it was last "
            "medically reviewed.",
        )


def medical_review_expired(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Medical content was reviewed within the last config.review_max_age_days days."""
    if not page.medical or page.last_reviewed is None:
        return
    due = page.last_reviewed + timedelta(days=config.review_max_age_days)
    if due < today:
        yield (
            "last_reviewed",
            f"The {page.service} article was last reviewed on {page.last_reviewed.isoformat()}, "
            f"more than {config.review_max_age_days} days ago: have a clinician review it "
            "again and update the review date.",
        )


def disclaimer_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Medical content shows the medical disclaimer."""
    if not page.medical:
        return
    expected = " ".join(page.disclaimer.split())
    if not expected or expected not in page.html.text:
        yield (
            "disclaimer",
            "The page does not show the medical disclaimer (general information, not medical "
            "advice): show it below the article.",
        )


def jsonld_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every page carries readable JSON-LD."""
    nodes, errors = page.html.graph
    for error in errors:
        yield "json-ld", f"The JSON-LD cannot be read ({error}): fix the markup."
    if not nodes and not errors:
        yield "json-ld", "The page has no JSON-LD structured data: add the page's @graph."


# --- structured data rules ------------------------------------------------------------

SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")
# Google's LocalBusiness structured data: required and recommended properties.
LOCAL_BUSINESS_REQUIRED = ("name", "address")
LOCAL_BUSINESS_RECOMMENDED = ("telephone", "url", "geo", "openingHoursSpecification")
ADDRESS_RECOMMENDED = ("streetAddress", "addressLocality", "addressRegion", "postalCode",
                       "addressCountry")  # fmt: skip
# The location field staff edit to fill each property.
PROPERTY_FIELDS = {
    "name": "name",
    "address": "street_address",
    "telephone": "phone",
    "geo": "latitude",
    "openingHoursSpecification": "opening_hours",
    "streetAddress": "street_address",
    "addressLocality": "city",
    "addressRegion": "state",
    "postalCode": "postal_code",
}


@cache
def vocabulary() -> dict:
    """The schema.org classes, properties and enumeration members (seo/data)."""
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


def term(value: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def node_types(node: dict) -> tuple[str, ...]:
    types = node.get("@type")
    return tuple(term(t) for t in (types if isinstance(types, list) else [types]) if t)


@cache
def lineage(types: tuple[str, ...]) -> frozenset[str]:
    """The types and all their schema.org ancestors."""
    classes = vocabulary()["classes"]
    seen: set[str] = set()
    todo = list(types)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += classes.get(name, {}).get("subClassOf", [])
    return frozenset(seen)


@cache
def enumeration_range(prop: str) -> frozenset[str]:
    """The enumerations a property's values must come from (empty when it takes other values)."""
    ranges = vocabulary()["properties"].get(prop, {}).get("rangeIncludes", [])
    if ranges and all("Enumeration" in lineage((r,)) for r in ranges):
        return frozenset(ranges)
    return frozenset()


@cache
def shape_problems(types: tuple[str, ...], props: tuple[str, ...]) -> tuple[str, ...]:
    """Vocabulary problems of a node's types and property names (cached: nodes repeat)."""
    vocab = vocabulary()
    problems = [
        f"@type {name!r} is not a schema.org type: use a schema.org type."
        for name in types
        if name not in vocab["classes"]
    ]
    known = not problems
    ancestry = lineage(types)
    for prop in props:
        spec = vocab["properties"].get(prop)
        if spec is None:
            problems.append(
                f"{prop!r} on {'/'.join(types)} is not a schema.org property: remove or rename it."
            )
        elif known and not ancestry & set(spec.get("domainIncludes", [])):
            problems.append(
                f"{prop!r} is not a property of {'/'.join(types)} in schema.org: move it to a "
                "type that has it."
            )
    return tuple(problems)


def schema_vocabulary(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """Every JSON-LD type and property exists in schema.org and fits where it is used."""
    members = vocabulary()["enumerationMembers"]
    for node, types, _ancestry in page.html.typed:
        props = tuple(p for p in node if not p.startswith("@"))
        for problem in shape_problems(types, props):
            yield "json-ld", problem
        for prop in props:
            allowed = enumeration_range(prop)
            if not allowed:
                continue
            value = node[prop]
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and not allowed & set(members.get(term(item), [])):
                    yield (
                        "json-ld",
                        f"{item!r} is not a valid value of {prop!r} "
                        f"(expected a {'/'.join(sorted(allowed))}).",
                    )


def _filled(value: object) -> bool:
    return value not in (None, "", [], {})


def local_business_required(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A LocalBusiness node has the properties search engines require (name, address)."""
    for node, types, ancestry in page.html.typed:
        if "LocalBusiness" not in ancestry:
            continue
        for prop in LOCAL_BUSINESS_REQUIRED:
            if not _filled(node.get(prop)):
                yield (
                    PROPERTY_FIELDS[prop],
                    f"The {'/'.join(types)} markup has no {prop}, which search "
                    f"engines require: fill in the location's {PROPERTY_FIELDS[prop]}.",
                )


def local_business_recommended(
    page: AuditPage, config: AuditConfig, today: date
) -> Iterator[Issue]:
    """A LocalBusiness node has the properties search engines recommend."""
    for node, types, ancestry in page.html.typed:
        if "LocalBusiness" not in ancestry:
            continue
        address = node.get("address") if isinstance(node.get("address"), dict) else {}
        missing = [p for p in LOCAL_BUSINESS_RECOMMENDED if not _filled(node.get(p))]
        if address:
            missing += [p for p in ADDRESS_RECOMMENDED if not _filled(address.get(p))]
        for prop in missing:
            name = PROPERTY_FIELDS.get(prop, "json-ld")
            yield (
                name,
                f"The {'/'.join(types)} markup has no {prop}, which search engines "
                f"recommend: fill in the location's {name.replace('_', ' ')}.",
            )


# --- the site view and site rules -----------------------------------------------------


@dataclass
class Summary:
    """What the site rules keep of each page once its page rules have run."""

    path: str
    kind: str
    title: str
    description: str
    links: frozenset[str]  # internal paths linked from the page
    nap: dict[str, str] | None  # the clinic's NAP from the JSON-LD
    location: str = ""


@dataclass
class SiteView:
    """Every audited page, reduced to what the site rules compare."""

    pages: dict[str, Summary] = field(default_factory=dict)
    origins: set[str] = field(default_factory=set)
    texts: dict[str, list[AuditText]] = field(default_factory=lambda: defaultdict(list))

    def internal_path(self, href: str, base: str) -> str | None:
        """The site path a link points to, or None for an external or non-page link."""
        if (
            href.startswith("/")
            and not href.startswith("//")
            and "?" not in href
            and "#" not in href
        ):
            return href  # the common case, without a full URL parse
        if href.startswith(OTHER_SCHEMES):
            return None
        if href.startswith(("http://", "https://", "//")) and not any(
            href == origin or href.startswith(origin + "/") for origin in self.origins
        ):
            return None
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" not in self.origins:
            return None
        path = parts.path
        if not path:
            return None
        if not path.startswith("/"):
            path = base.rsplit("/", 1)[0] + "/" + path
        return path

    def add_unrendered(self, page: AuditPage) -> None:
        """Know a page that failed to render, so links to it are not reported as broken."""
        self.pages[page.path] = Summary(page.path, page.kind, "", "", frozenset(), None)

    def add(self, page: AuditPage) -> None:
        if page.error:
            self.add_unrendered(page)
            return
        parts = urlsplit(page.url)
        self.origins.add(f"{parts.scheme}://{parts.netloc}")
        links = {self.internal_path(href, page.path) for href in page.html.links}
        node = clinic_node(page) if _needs_clinic(page) else None
        self.pages[page.path] = Summary(
            path=page.path,
            kind=page.kind,
            title=page.html.titles[0] if page.html.titles else "",
            description=page.html.descriptions[0].strip() if page.html.descriptions else "",
            links=frozenset(p for p in links if p),
            nap=nap_of(node) if node else None,
            location=page.location.slug if page.location else "",
        )
        if page.kind == "landing" and page.service:
            self.texts[page.service].append(AuditText.of(page))


OTHER_SCHEMES = ("#", "mailto:", "tel:", "sms:", "javascript:", "data:")
# Files the site serves besides pages; links to them are not page links.
NON_PAGE_PREFIXES = ("/static/", "/sitemaps/", "/admin/")
NON_PAGE_PATHS = {"/robots.txt", "/sitemap.xml", "/admin"}


def _duplicates(site: SiteView, key: Callable[[Summary], str]) -> Iterator[tuple[Summary, list]]:
    groups: dict[str, list[Summary]] = defaultdict(list)
    for summary in site.pages.values():
        if key(summary):
            groups[key(summary)].append(summary)
    for members in groups.values():
        if len(members) > 1:
            for summary in members:
                yield summary, [m.path for m in members if m is not summary]


def _others(paths: list[str]) -> str:
    shown = ", ".join(paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def title_duplicate(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """No two pages share a title."""
    for summary, others in _duplicates(site, lambda s: s.title):
        yield (
            summary.path,
            "title",
            f"The title {summary.title!r} is also used by {_others(others)}: give each page "
            "its own title naming its service and city.",
        )


def description_duplicate(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """No two pages share a meta description."""
    for summary, others in _duplicates(site, lambda s: s.description):
        yield (
            summary.path,
            "description",
            f"The meta description is also used by {_others(others)}: write one for this page.",
        )


def _canonical_form(path: str) -> str:
    path = path.lower()
    return path if path.endswith("/") else path + "/"


def broken_internal_link(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """Every internal link points at a published page."""
    known = site.pages
    for summary in site.pages.values():
        for target in sorted(summary.links):
            if target in known or target in NON_PAGE_PATHS or target.startswith(NON_PAGE_PREFIXES):
                continue
            if _canonical_form(target) in known:
                continue  # answered by internal-link-redirect
            yield (
                summary.path,
                "links",
                f"The link to {target} leads to no published page: fix or remove the link.",
            )


def internal_link_redirect(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """Internal links use the canonical path, not one that redirects."""
    for summary in site.pages.values():
        for target in sorted(summary.links):
            if target not in site.pages and _canonical_form(target) in site.pages:
                yield (
                    summary.path,
                    "links",
                    f"The link to {target} redirects to {_canonical_form(target)}: link to "
                    "the canonical path directly.",
                )


def orphan_page(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """Every page except the home page is linked from another page."""
    linked: set[str] = set()
    for summary in site.pages.values():
        linked.update(p for p in summary.links if p != summary.path)
    for summary in site.pages.values():
        if summary.path != "/" and summary.path not in linked:
            yield (
                summary.path,
                "links",
                "No other page links here (an orphan page): link to it from its hub, state "
                "or location page.",
            )


def nap_differs_between_pages(site: SiteView, config: AuditConfig) -> Iterator[SiteIssue]:
    """A landing page shows the same NAP as its clinic's location page."""
    location_naps = {
        s.location: s.nap for s in site.pages.values() if s.kind == "location" and s.nap
    }
    for summary in site.pages.values():
        reference = location_naps.get(summary.location)
        if summary.kind != "landing" or not summary.nap or not reference:
            continue
        for name, value in summary.nap.items():
            if value != reference[name]:
                yield (
                    summary.path,
                    name,
                    f"The {name.replace('_', ' ')} {value!r} differs from {reference[name]!r} "
                    f"on the location page /locations/{summary.location}/: make them the same.",
                )


# --- near-duplicate landing pages -------------------------------------------------------


@dataclass(frozen=True)
class AuditText:
    """A landing page's main text, split in blocks, with its location's own words masked."""

    path: str
    blocks: tuple[str, ...]
    place: str  # city, for messages

    @classmethod
    def of(cls, page: AuditPage) -> AuditText:
        return cls(page.path, mask_local_terms(page.html.blocks, page.location), _place(page))


def _place(page: AuditPage) -> str:
    return f"{page.location.city}, {page.location.state}" if page.location else page.path


def local_terms(location: Location | None) -> list[str]:
    """The location's own names, which shared text differs by (longest first)."""
    if location is None:
        return []
    terms = {
        location.name,
        f"{location.city}, {location.state}",
        f"{location.city} {location.state}",
        location.city,
        location.state_name if location.state_name != location.state else "",
        location.street_address,
        location.postal_code,
        safe_display_phone(location.phone),
    }
    return sorted((t for t in terms if len(t.strip()) > 1), key=len, reverse=True)


def mask_local_terms(blocks: tuple[str, ...], location: Location | None) -> tuple[str, ...]:
    """Replace the location's own names with one mark, so filled-in shared text reads the same."""
    terms = local_terms(location)
    if not terms:
        return blocks
    masked = []
    for block in blocks:
        for term in terms:  # longest first, so "Gateway Pain Relief Florissant" beats "Florissant"
            if term in block:
                block = block.replace(term, f" {MARK} ")
        masked.append(block)
    return tuple(masked)


@dataclass
class _Block:
    """One distinct text block of a service: its words' shingle hashes, in order."""

    length: int  # words
    hashes: tuple[int, ...]
    shingles: frozenset[int]


def shingle_block(text: str, size: int) -> _Block:
    """Hash the overlapping runs of `size` words (a short block is one shingle)."""
    tokens = words(text)
    if not tokens:
        return _Block(0, (), frozenset())
    runs = (
        [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
        if len(tokens) >= size
        else [" ".join(tokens)]
    )
    hashes = tuple(zlib.crc32(run.encode("utf-8")) for run in runs)
    return _Block(len(tokens), hashes, frozenset(hashes))


def local_word_count(block: _Block, boilerplate: set[int] | frozenset[int], size: int) -> int:
    """Words of a block not covered by any boilerplate shingle."""
    if block.shingles.isdisjoint(boilerplate):
        return block.length
    if block.shingles <= boilerplate:
        return 0
    span = size if block.length >= size else block.length
    covered_to, covered = -1, 0
    for start, value in enumerate(block.hashes):
        if value in boilerplate:
            end = start + span - 1
            covered += end - max(covered_to, start - 1)
            covered_to = end
    return block.length - covered


@dataclass
class LocalText:
    """How much of one landing page is its own."""

    path: str
    place: str
    words: int
    local_words: int
    shingles: frozenset[int]


def shared_shingles(pages: list[list[_Block]], floor: int) -> set[int]:
    """Shingles on at least `floor` pages, counted per distinct block rather than per page."""
    on_pages: Counter[int] = Counter()  # pages per distinct block
    distinct: dict[int, _Block] = {}
    for blocks in pages:
        on_pages.update(id(b) for b in blocks)
        for block in blocks:
            distinct.setdefault(id(block), block)
    owner: dict[int, int] = {}
    repeated: set[int] = set()  # shingles found in two or more distinct blocks
    for key, block in distinct.items():
        for value in block.shingles:
            if owner.setdefault(value, key) != key:
                repeated.add(value)
    shared = {
        value
        for key, block in distinct.items()
        if on_pages[key] >= floor
        for value in block.shingles
        if value not in repeated
    }
    if repeated:  # a shingle in several blocks: count the pages holding any of them exactly
        holders = {k: b.shingles & repeated for k, b in distinct.items()}
        counts: Counter[int] = Counter()
        for blocks in pages:
            found: set[int] = set()
            for block in blocks:
                found |= holders[id(block)]
            counts.update(found)
        shared |= {value for value, n in counts.items() if n >= floor}
    return shared


def local_texts(texts: list[AuditText], config: AuditConfig) -> list[LocalText]:
    """Split each page's text into shared (on most pages of the service) and local words."""
    size = config.shingle_words
    cache: dict[str, _Block] = {}
    pages = []
    for text in texts:
        blocks = []
        for block in dict.fromkeys(text.blocks):  # a block repeated on one page counts once
            if block not in cache:
                cache[block] = shingle_block(block, size)
            blocks.append(cache[block])
        pages.append(blocks)
    boilerplate = shared_shingles(pages, max(2, math.ceil(config.boilerplate_share * len(texts))))
    results = []
    local_cache: dict[int, tuple[int, frozenset[int]]] = {}
    for text, blocks in zip(texts, pages, strict=True):
        local_words, shingles = 0, set()
        for block in blocks:
            key = id(block)
            if key not in local_cache:
                local_cache[key] = (
                    local_word_count(block, boilerplate, size),
                    block.shingles - boilerplate,
                )
            count, own = local_cache[key]
            local_words += count
            shingles |= own
        total = sum(b.length for b in blocks)
        results.append(LocalText(text.path, text.place, total, local_words, frozenset(shingles)))
    return results


def similar_pairs(items: list[LocalText], config: AuditConfig) -> dict[str, tuple[str, float]]:
    """For each page, its most similar page above the ceiling (MinHash LSH, then exact)."""
    from datasketch import MinHash, MinHashLSH

    candidates = [item for item in items if item.shingles]
    if len(candidates) < 2:
        return {}
    lsh = MinHashLSH(threshold=config.max_similarity, num_perm=config.num_perm)
    template = MinHash(num_perm=config.num_perm, hashfunc=int)
    sketches = []
    for number, item in enumerate(candidates):
        sketch = MinHash(hashfunc=int, permutations=template.permutations, scheme=template.scheme)
        sketch.update_batch(item.shingles)
        lsh.insert(number, sketch, check_duplication=False)
        sketches.append(sketch)
    found: dict[str, tuple[str, float]] = {}
    for number, item in enumerate(candidates):
        for other in lsh.query(sketches[number]):
            if other == number:
                continue
            peer = candidates[other]
            similarity = len(item.shingles & peer.shingles) / len(item.shingles | peer.shingles)
            best = found.get(item.path)
            if similarity > config.max_similarity and (best is None or similarity > best[1]):
                found[item.path] = (peer.path, similarity)
    return found


def near_duplicates(texts: list[AuditText], config: AuditConfig) -> list[Finding]:
    """Landing pages of one service with too little text of their own, or copied local text."""
    if len(texts) < 2:
        return []  # one page of a service has no siblings to duplicate
    findings = []
    items = local_texts(texts, config)
    for item in items:
        if item.local_words < config.min_local_words:
            missing = config.min_local_words - item.local_words
            findings.append(
                Finding(
                    ERROR,
                    "near-duplicate-page",
                    item.path,
                    "intro",
                    f"Only {plural(item.local_words, 'word')} of {item.words:,} are specific "
                    f"to {item.place}; the rest repeats the service's other location pages: add "
                    f"at least {plural(missing, 'more word')} of local content (the location's "
                    "intro: who works there, parking, transit, languages, what is nearby).",
                )
            )
    eligible = [item for item in items if item.local_words >= config.min_local_words]
    for path, (other, similarity) in similar_pairs(eligible, config).items():
        findings.append(
            Finding(
                ERROR,
                "near-duplicate-local-text",
                path,
                "intro",
                f"The location-specific text is {similarity:.0%} the same as {other} (limit "
                f"{config.max_similarity:.0%}): rewrite this location's intro in its own words.",
            )
        )
    return findings


def near_duplicate_findings(site: SiteView, config: AuditConfig) -> Iterator[Finding]:
    for service in sorted(site.texts):
        yield from near_duplicates(site.texts[service], config)


# --- the rules table and the runner ---------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str  # stable, kebab-case: staff filter by it
    level: str
    scope: str  # "page": sees one page; "site": compares pages
    check: Callable
    summary: str


RULES: tuple[Rule, ...] = (
    Rule("title-missing", ERROR, "page", title_missing, "no <title>, or several"),
    Rule("title-too-short", WARNING, "page", title_too_short, "title under 30 characters"),
    Rule("title-too-long", WARNING, "page", title_too_long, "title over 60 characters"),
    Rule("title-duplicate", ERROR, "site", title_duplicate, "two pages share a title"),
    Rule("description-missing", ERROR, "page", description_missing, "no meta description"),
    Rule("description-too-short", WARNING, "page", description_too_short, "under 70 chars"),
    Rule("description-too-long", WARNING, "page", description_too_long, "over 160 chars"),
    Rule("description-duplicate", WARNING, "site", description_duplicate, "shared description"),
    Rule("h1-missing", ERROR, "page", h1_missing, "no <h1>"),
    Rule("h1-multiple", ERROR, "page", h1_multiple, "more than one <h1>"),
    Rule("name-missing", ERROR, "page", name_missing, "clinic without a name"),
    Rule("address-missing", ERROR, "page", address_missing, "clinic without a full address"),
    Rule("phone-missing", ERROR, "page", phone_missing, "clinic without a phone number"),
    Rule("coordinates-missing", WARNING, "page", coordinates_missing, "clinic without geo"),
    Rule("hours-missing", WARNING, "page", hours_missing, "clinic without opening hours"),
    Rule("nap-mismatch", ERROR, "page", nap_mismatch, "JSON-LD NAP differs from page or data"),
    Rule(
        "nap-differs-between-pages",
        ERROR,
        "site",
        nap_differs_between_pages,
        "landing page NAP differs from the location page",
    ),  # fmt: skip
    Rule("broken-internal-link", ERROR, "site", broken_internal_link, "link to no page"),
    Rule(
        "internal-link-redirect",
        WARNING,
        "site",
        internal_link_redirect,
        "link to a redirecting path",
    ),  # fmt: skip
    Rule("orphan-page", WARNING, "site", orphan_page, "no other page links here"),
    Rule("canonical-missing", ERROR, "page", canonical_missing, "no canonical URL"),
    Rule(
        "canonical-mismatch",
        ERROR,
        "page",
        canonical_mismatch,
        "canonical differs from the URL in the sitemap",
    ),  # fmt: skip
    Rule("noindex-in-sitemap", ERROR, "page", noindex_in_sitemap, "noindex page in a sitemap"),
    Rule(
        "missing-from-sitemap",
        WARNING,
        "page",
        missing_from_sitemap,
        "indexable page in no sitemap",
    ),  # fmt: skip
    Rule("keyword-stuffing", ERROR, "page", keyword_stuffing, "target keyword repeated"),
    Rule("near-me-in-text", ERROR, "page", near_me_in_text, "'near me' pasted into text"),
    Rule("image-alt-missing", WARNING, "page", image_alt_missing, "image without alt"),
    Rule(
        "medical-review-missing",
        ERROR,
        "page",
        medical_review_missing,
        "article without reviewer or review date",
    ),  # fmt: skip
    Rule(
        "medical-review-expired",
        ERROR,
        "page",
        medical_review_expired,
        "article reviewed over 12 months ago",
    ),  # fmt: skip
    Rule("disclaimer-missing", ERROR, "page", disclaimer_missing, "no medical disclaimer"),
    Rule("jsonld-missing", ERROR, "page", jsonld_missing, "no or unreadable JSON-LD"),
    Rule(
        "schema-vocabulary",
        ERROR,
        "page",
        schema_vocabulary,
        "JSON-LD type, property or value not in schema.org",
    ),  # fmt: skip
    Rule(
        "local-business-required",
        ERROR,
        "page",
        local_business_required,
        "LocalBusiness without name or address",
    ),  # fmt: skip
    Rule(
        "local-business-recommended",
        WARNING,
        "page",
        local_business_recommended,
        "LocalBusiness without telephone, url, geo, hours or address parts",
    ),  # fmt: skip
    Rule(
        "near-duplicate-page",
        ERROR,
        "site",
        near_duplicate_findings,
        "landing page with too little location-specific text",
    ),  # fmt: skip
    Rule(
        "near-duplicate-local-text",
        ERROR,
        "site",
        near_duplicate_findings,
        "landing page whose local text copies another's",
    ),  # fmt: skip
    Rule("page-render-failed", ERROR, "page", page_render_failed, "page could not be built"),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
PAGE_RULES = [rule for rule in RULES if rule.scope == "page"]
LEVEL_ORDER = {level: n for n, level in enumerate(LEVELS)}


def sort_key(finding: Finding) -> tuple:
    return (LEVEL_ORDER[finding.level], finding.path, finding.rule, finding.field, finding.message)


# Rules that read the location's data only, so they also explain a page that failed to render.
DATA_RULES = ("page-render-failed", "name-missing", "address-missing", "phone-missing",
              "coordinates-missing", "hours-missing")  # fmt: skip


def check_page(
    page: AuditPage, config: AuditConfig, today: date, rule_ids: Iterable[str] | None = None
) -> list[Finding]:
    """Run the page rules (or the named ones) over one page."""
    rules = [RULES_BY_ID[r] for r in rule_ids] if rule_ids is not None else PAGE_RULES
    return [
        Finding(rule.level, rule.id, page.path, name, message)
        for rule in rules
        for name, message in rule.check(page, config, today)
    ]


def check(page: AuditPage, config: AuditConfig, today: date) -> list[Finding]:
    """Run the page rules that apply: all of them, or only the data rules for an unrendered page."""
    return check_page(page, config, today, DATA_RULES if page.error else None)


def audit(
    pages: Iterable[AuditPage], config: AuditConfig | None = None, today: date | None = None
) -> list[Finding]:
    """Run every rule over the pages (read once, page by page) and return sorted findings."""
    config = config or AuditConfig()
    today = today or date.today()
    return finish_audit(((check(page, config, today), page) for page in pages), config)


def finish_audit(
    checked: Iterable[tuple[list[Finding], AuditPage]], config: AuditConfig
) -> list[Finding]:
    """Compare pages whose page rules already ran (perhaps in other processes); sort it all."""
    site = SiteView()
    findings: list[Finding] = []
    for page_findings, page in checked:
        findings += page_findings
        site.add(page)
    rules_of = {rule.check: rule for rule in RULES if rule.scope == "site"}
    for site_check, rule in rules_of.items():
        for item in site_check(site, config):
            if isinstance(item, Finding):
                findings.append(item)
            else:
                findings.append(Finding(rule.level, rule.id, *item))
    return sorted(set(findings), key=sort_key)


# --- output -------------------------------------------------------------------------------


def summarize(findings: list[Finding], pages: int | None = None) -> dict:
    """Counts by level and by rule."""
    summary: dict = {"findings": len(findings)}
    if pages is not None:
        summary["pages"] = pages
    summary.update({level: sum(f.level == level for f in findings) for level in LEVELS})
    summary["rules"] = dict(sorted(Counter(f.rule for f in findings).items()))
    return summary


def format_text(findings: list[Finding], pages: int | None = None) -> str:
    """One line per finding (level, rule, path, field: message), then a summary line."""
    lines = [f"{f.level:<7} {f.rule:<26} {f.path} [{f.field}] {f.message}" for f in findings]
    counts = summarize(findings, pages)
    tail = f" on {plural(pages, 'page')}" if pages is not None else ""
    lines.append(
        f"{plural(counts[ERROR], 'error')}, {plural(counts[WARNING], 'warning')}, "
        f"{counts[INFO]} info{tail}"
    )
    return "\n".join(lines) + "\n"


def format_json(findings: list[Finding], pages: int | None = None) -> str:
    """{"findings": [...], "summary": {...}} as JSON."""
    document = {"findings": [asdict(f) for f in findings], "summary": summarize(findings, pages)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
