"""Parse articles (Markdown or the pasted plain-text layout) and fill their placeholders."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape, unescape

import nh3
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import escape as markup_escape
from slugify import slugify

from seo.core.text import normalize_newlines

# The location values a section may use, with sample values for the trial render.
PLACEHOLDERS = {
    "city": "Florissant",
    "state": "MO",
    "state_name": "Missouri",
    "location_name": "Gateway Pain Relief Florissant",
    "street_address": "1001 N New Florissant Rd",
    "postal_code": "63031",
    "phone": "(314) 555-0101",
    "service_name": "Neuropathic Pain Treatment",
}
SHARE_RE = re.compile(r"^\s*share\s+now\s*:?\s*$", re.I)
ATX_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
HEADING_MAX_WORDS = 14
HEADING_MAX_CHARS = 100
# A short line ending like a sentence is a paragraph, not a heading.
SENTENCE_END = tuple(".,;:!…\"'”’)")
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "br", "a"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_sandbox = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
# Short plain-text pieces (titles, questions) are filled as text, not HTML.
_text_sandbox = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


class ArticleError(ValueError):
    """An article that cannot be imported; `problems` name the section of each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    body: str  # Markdown, may hold {{ placeholders }}


@dataclass(frozen=True)
class Article:
    title: str
    sections: tuple[Section, ...]
    intro: str = ""
    keyword: str = ""
    share: bool = False


@dataclass(frozen=True)
class Question:
    question: str
    answer: str  # plain text


@dataclass
class CompiledArticle:
    """An article parsed, sanitised and compiled once; filled per location.

    Its repr is the digest of the article, so page inputs holding it digest cheaply."""

    article: Article = field(repr=False)
    template: object = field(repr=False)
    questions: tuple[Question, ...] = field(default=(), repr=False)
    # Text pieces and placeholder names, when the article uses nothing but {{ name }}:
    # filling them is a join, many times faster than a sandboxed render per page.
    slots: tuple[str | Slot, ...] | None = field(default=None, repr=False)
    digest: str = ""

    def render(self, values: Mapping[str, str]) -> str:
        """Return the article's HTML with the location's values filled in."""
        if self.slots is not None:
            return "".join(
                piece if type(piece) is str else markup_escape(values[piece.name])
                for piece in self.slots
            )
        return self.template.render(**values)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Slot:
    name: str


def plain_slots(source: str) -> tuple[str | Slot, ...] | None:
    """Split a template into text and placeholders when it holds only `{{ name }}` outputs."""
    pieces: list[str | Slot] = []
    for node in _sandbox.parse(source).body:
        if not isinstance(node, nodes.Output):
            return None
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                pieces.append(child.data)
            elif isinstance(child, nodes.Name) and child.name in PLACEHOLDERS:
                pieces.append(Slot(child.name))
            else:
                return None
    return tuple(pieces)


def _blocks(text: str) -> list[str]:
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def is_heading(block: str) -> bool:
    """A heading is one short line without final punctuation (a question may end in ?)."""
    if "\n" in block or len(block) > HEADING_MAX_CHARS:
        return False
    if len(block.split()) > HEADING_MAX_WORDS or block.endswith(SENTENCE_END):
        return False
    return block[:1].isalnum() or block[:1] in "{"


def looks_like_markdown(text: str) -> bool:
    return any(ATX_RE.match(line) for line in text.splitlines())


def parse_plain_text(text: str) -> Article:
    """Parse the pasted layout: title, keyword line, title again, intro, headings, paragraphs."""
    blocks = _blocks(text)
    share = False
    while blocks and SHARE_RE.match(blocks[-1]):
        blocks.pop()
        share = True
    if not blocks:
        raise ArticleError(["the article is empty"])
    title = blocks.pop(0)
    if "\n" in title:
        raise ArticleError(["the first line must be the title, followed by a blank line"])
    keyword = ""
    if (
        blocks
        and "\n" not in blocks[0]
        and blocks[0] == blocks[0].lower()
        and is_heading(blocks[0])
    ):
        keyword = blocks.pop(0)
    if blocks and blocks[0].casefold() == title.casefold():
        blocks.pop(0)
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for block in blocks:
        if is_heading(block):
            sections.append((block, []))
        elif sections:
            sections[-1][1].append(block.replace("\n", " "))
        else:
            intro.append(block.replace("\n", " "))
    if not sections:
        raise ArticleError(["no headings found: put each heading on its own short line"])
    return Article(
        title=title,
        keyword=keyword,
        intro="\n\n".join(_escape_markdown(p) for p in intro),
        sections=tuple(
            Section(h, 2, "\n\n".join(_escape_markdown(p) for p in body)) for h, body in sections
        ),
        share=share,
    )


def _escape_markdown(paragraph: str) -> str:
    """Keep a plain-text paragraph literal when it is later read as Markdown."""
    pieces = re.split(r"(\{\{.*?\}\})", paragraph)
    return "".join(
        p if i % 2 else re.sub(r"([\\`*_\[\]<>#|!])", r"\\\1", p) for i, p in enumerate(pieces)
    )


def parse_markdown(text: str) -> Article:
    """Parse Markdown: `#` title, `##`/`###` section headings, Markdown bodies."""
    title, keyword, share = "", "", False
    intro: list[str] = []
    sections: list[tuple[str, int, list[str]]] = []
    in_fence = False
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and SHARE_RE.match(lines[-1]):
        lines.pop()
        share = True
    for line in lines:
        if FENCE_RE.match(line):
            in_fence = not in_fence
        match = None if in_fence else ATX_RE.match(line)
        if match and len(match[1]) == 1 and not title and not sections:
            title = match[2]
        elif match:
            sections.append((match[2], max(2, min(len(match[1]), 4)), []))
        elif sections:
            sections[-1][2].append(line)
        else:
            intro.append(line)
    if not title:
        raise ArticleError(["the first heading must be the title, written as '# Title'"])
    if not sections:
        raise ArticleError(["no sections found: start each with '## Heading'"])
    return Article(
        title=title,
        keyword=keyword,
        intro="\n".join(intro).strip(),
        sections=tuple(Section(h, lvl, "\n".join(body).strip()) for h, lvl, body in sections),
        share=share,
    )


# What an article in another language carries besides its text: the service's name and
# patterns in that language, as `name: value` lines between two `---` lines at the top.
TRANSLATED_FIELDS = (
    "name",
    "heading_pattern",
    "title_pattern",
    "description_pattern",
    "keyword_pattern",
    "summary",
)
FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n", re.S | re.M)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The `name: value` lines of a front matter block, and the article after it."""
    match = FRONT_MATTER_RE.match(text)
    if match is None:
        return {}, text
    fields, problems = {}, []
    for number, line in enumerate(match[1].splitlines(), start=2):
        name, colon, value = line.partition(":")
        name = name.strip()
        if not line.strip():
            continue
        if not colon or name not in TRANSLATED_FIELDS:
            problems.append(
                f"line {number}: {line.strip()[:40]!r} is not `name: value` with a name among "
                + ", ".join(TRANSLATED_FIELDS)
            )
        else:
            fields[name] = value.strip()
    if problems:
        raise ArticleError(problems)
    return fields, text[match.end() :]


def write_markdown(article: Article) -> str:
    """An article as the Markdown `parse_markdown` reads back into the same article."""
    parts = [f"# {article.title}", article.intro]
    for section in article.sections:
        parts += ["#" * section.level + " " + section.heading, section.body]
    return "\n\n".join(p for p in parts if p) + "\n"


def parse_article(text: str) -> Article:
    """Parse an article in either layout and check its placeholders."""
    text = normalize_newlines(text.lstrip("\ufeff"))
    article = parse_markdown(text) if looks_like_markdown(text) else parse_plain_text(text)
    problems = check_placeholders(article)
    if problems:
        raise ArticleError(problems)
    return article


def _parts(article: Article) -> list[tuple[str, str]]:
    parts = [("title", article.title), ("introduction", article.intro)]
    for section in article.sections:
        where = f"section {section.heading!r}"
        parts += [(where, section.heading), (where, section.body)]
    return parts


def check_template(source: str, where: str) -> list[str]:
    """Return problems with one piece of staff text as a sandboxed template."""
    try:
        parsed = _sandbox.parse(source)
    except TemplateSyntaxError as exc:
        return [f"{where}: template error on line {exc.lineno}: {exc.message}"]
    unknown = sorted(meta.find_undeclared_variables(parsed) - PLACEHOLDERS.keys())
    if unknown:
        names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        allowed = ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)
        return [f"{where}: unknown placeholder {names}; use one of {allowed}"]
    if plain_slots(source) is None:
        # Expressions, filters and blocks could build huge text or change meaning when
        # Markdown escapes their quotes: staff text may hold nothing but {{ name }}.
        return [
            f"{where}: placeholder cannot be filled: write placeholders as plain names "
            "such as {{ city }}, without expressions, filters or {% %} blocks"
        ]
    try:
        _sandbox.from_string(source).render(**PLACEHOLDERS)
    except Exception as exc:  # any failure of staff text is an import error, never a crash
        return [f"{where}: placeholder cannot be filled: {exc}"]
    return []


def check_placeholders(article: Article) -> list[str]:
    """Return one problem per bad placeholder or template syntax error, naming the section."""
    problems: list[str] = []
    for where, source in _parts(article):
        problems += check_template(source, where)
    return problems


def markdown_html(source: str) -> str:
    """Render staff Markdown to sanitised HTML."""
    html = _markdown.render(source)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="nofollow")


def heading_id(heading: str) -> str:
    return slugify(re.sub(r"\{\{.*?\}\}", "", heading)) or "section"


def _questions(article: Article) -> tuple[Question, ...]:
    questions = []
    for section in article.sections:
        text = section.heading.strip()
        if text.endswith("?") and section.body.strip():
            plain = unescape(re.sub(r"<[^>]+>", "", markdown_html(section.body)))
            questions.append(Question(text, " ".join(plain.split())))
    return tuple(questions)


def article_html_source(article: Article) -> str:
    """Return the article as one HTML template (placeholders still unfilled)."""
    out = []
    if article.intro:
        out.append(markdown_html(article.intro))
    used: set[str] = set()
    for section in article.sections:
        anchor = base = heading_id(section.heading)
        n = 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        tag = f"h{section.level}"
        heading = f'<{tag} id="{anchor}">{escape(section.heading, quote=False)}</{tag}>'
        if is_faq_entry(section):
            # A question under a heading (an FAQ entry) opens on demand: the answer stays
            # in the page for readers and crawlers, the list of questions stays short.
            body = markdown_html(section.body)
            out.append(f'<details class="qa"><summary>{heading}</summary>\n{body}</details>\n')
            continue
        out.append(heading + "\n")
        if section.body:
            out.append(markdown_html(section.body))
    return "".join(out)


def is_faq_entry(section: Section) -> bool:
    """A sub-section whose heading is a question with an answer below it."""
    return section.level >= 3 and section.heading.strip().endswith("?") and bool(section.body)


def compile_article(article: Article) -> CompiledArticle:
    """Parse, sanitise and compile an article once, ready to fill per location."""
    source = article_html_source(article)
    template = _sandbox.from_string(source)
    digest = hashlib.blake2b(repr(article).encode(), digest_size=16).hexdigest()
    return CompiledArticle(article, template, _questions(article), plain_slots(source), digest)


@functools.lru_cache(maxsize=4096)
def _small_template(source: str):
    return _text_sandbox.from_string(source)


def fill(source: str, values: Mapping[str, str]) -> str:
    """Fill placeholders in one short piece of staff text (a title, a question): plain text,
    escaped once where it is written out (the HTML template, or JSON)."""
    if "{" not in source:
        return source
    return _small_template(source).render(**values)
