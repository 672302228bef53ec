"""Interface text catalogs, and the template environment of each language.

A language is a folder `<TRANSLATIONS_DIR>/<code>/LC_MESSAGES/messages.po`: adding one needs
no code change. `make run` and `make test` compile each `.po` to its `.mo`; a catalog whose
`.mo` is missing or older than its `.po` is compiled in memory instead, so a checkout that
skipped that step still shows every language as written.

Templates write fixed text as `{{ _("Call") }}` or `{{ _("Visit %(name)s", name=...) }}`.
Each language renders through its own environment, where those literal messages are
replaced by their translation when a template is compiled: rendering a page costs the same
in every language as the English page did before it was translatable."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations
from flask import Flask, current_app
from jinja2 import Environment, TemplateSyntaxError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from seo.core.interface import DEFAULT_LANGUAGE, ENGLISH, Interface
from seo.services import fragments, template_cache

DOMAIN = "messages"
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
PLACEHOLDER_RE = re.compile(r"(%\(\w+\)s|%%)")


class CatalogError(ValueError):
    """A catalog that cannot be read."""


def _catalog_file(folder: Path, language: str, suffix: str) -> Path:
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.lru_cache(maxsize=16)
def languages(folder: str) -> frozenset[str]:
    """The languages with a catalog in `folder`, and the default language (the message ids)."""
    root = Path(folder)
    found = {
        path.name
        for path in (root.iterdir() if root.is_dir() else ())
        if _catalog_file(root, path.name, ".po").is_file()
        or _catalog_file(root, path.name, ".mo").is_file()
    }
    for name in found:
        if not LANGUAGE_RE.match(name):
            raise CatalogError(f"{root / name}: a language folder is named like es or pt_BR")
    return frozenset(found | {DEFAULT_LANGUAGE})


def _read(folder: Path, language: str) -> tuple[Translations, str]:
    """A language's catalog from its compiled `.mo`, or from its `.po` when that is newer,
    checked the same way from either; and a digest of its messages."""
    po, mo = _catalog_file(folder, language, ".po"), _catalog_file(folder, language, ".mo")
    source = (
        mo
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime)
        else po
    )
    try:
        with source.open("rb") as file:
            if source is mo:
                catalog = read_mo(file)
            else:
                catalog = read_po(file, locale=language, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, OSError) as error:
        raise CatalogError(f"{source}: {error}") from None
    for message, problems in catalog.check():
        # A placeholder the page does not fill would stop every page in that language.
        raise CatalogError(f"{source}: message {message.id!r}: {problems[0]}")
    for message in catalog:
        # Messages are template text, some inside attribute values: a quote would end one.
        if message.id and '"' in str(message.string) and '"' not in str(message.id):
            raise CatalogError(f"{source}: message {message.id!r}: write quotes as “ ” or « »")
    compiled = BytesIO()
    write_mo(compiled, catalog)
    version = hashlib.blake2b(compiled.getvalue(), digest_size=16).hexdigest()
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN), version


@functools.lru_cache(maxsize=16)
def _interface(folder: str, language: str) -> Interface:
    if language == DEFAULT_LANGUAGE:
        return ENGLISH
    catalog, version = _read(Path(folder), language)
    return Interface(language, catalog, version)


def interface(language: str) -> Interface:
    """The interface text of a language with a catalog; a language without one is an error."""
    folder = current_app.config["TRANSLATIONS_DIR"]
    if language not in languages(folder):
        raise CatalogError(f"no catalog for language {language!r} in {folder}")
    return _interface(folder, language)


def for_path(path: str) -> Interface:
    """The language a public URL is in: its first segment when that names a catalog."""
    first = path.lstrip("/").split("/", 1)[0]
    if first != DEFAULT_LANGUAGE and first in languages(current_app.config["TRANSLATIONS_DIR"]):
        return interface(first)
    return interface(current_app.config["SITE_LANGUAGE"])


class LiteralMessages(Extension):
    """Replace `_("literal", name=value)` by its translation as templates are compiled.

    `{{ _("Visit %(name)s", name=loc.name) }}` compiles as `Visita {{ (loc.name) }}` would:
    the message is template text (markup included), the values are escaped as any output.
    A literal message inside a larger expression becomes `"message"|safe|format(...)`.
    `_(expression)`, a message chosen at run time, is left to the `_` the render passes in;
    in English, where every message is its own translation, it is just the expression."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        ui: Interface = getattr(self.environment, "interface", ENGLISH)
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kinds = [t.type for t in tokens[index + 1 : index + 4]]
            if (
                token.test("name:_")
                and kinds[:2] == ["lparen", "string"]
                and kinds[2:]
                in (
                    ["rparen"],
                    ["comma"],
                )
            ):
                message = ui.catalog.gettext(tokens[index + 2].value)
                close = _closing(tokens, index + 1)
                arguments = _arguments(tokens[index + 4 : close])
                whole = out and out[-1].type == "variable_begin"
                if whole and close + 1 < len(tokens) and tokens[close + 1].type == "variable_end":
                    out.pop()
                    out.extend(_inline(token.lineno, message, arguments))
                    index = close + 2
                    continue
                out.extend(_message(token.lineno, message, bool(arguments)))
                index += 4
                continue
            if token.test("name:_") and kinds[:1] == ["lparen"] and ui is ENGLISH:
                index += 1  # `_(expression)` is `(expression)`
                continue
            out.append(token)
            index += 1
        return iter(out)


def _closing(tokens: list[Token], opening: int) -> int:
    """The index of the parenthesis that closes the one at `opening`."""
    depth = 0
    for index in range(opening, len(tokens)):
        kind = tokens[index].type
        depth += kind in ("lparen", "lbracket", "lbrace")
        depth -= kind in ("rparen", "rbracket", "rbrace")
        if depth == 0:
            return index
    raise TemplateSyntaxError("unclosed _(", tokens[opening].lineno)


def _arguments(tokens: list[Token]) -> dict[str, list[Token]]:
    """`name=expression, ...` as each name's expression tokens."""
    arguments: dict[str, list[Token]] = {}
    depth, start = 0, 0
    for index, token in enumerate([*tokens, Token(0, "comma", ",")]):
        depth += token.type in ("lparen", "lbracket", "lbrace")
        depth -= token.type in ("rparen", "rbracket", "rbrace")
        if token.type == "comma" and depth == 0:
            part = tokens[start:index]
            start = index + 1
            if not part:
                continue
            if len(part) < 3 or part[0].type != "name" or part[1].type != "assign":
                raise TemplateSyntaxError("_() takes a message and name=value", part[0].lineno)
            arguments[part[0].value] = part[2:]
    return arguments


def _inline(lineno: int, message: str, arguments: dict[str, list[Token]]) -> Iterable[Token]:
    """The message as template text with `{{ (value) }}` for each placeholder."""
    if not arguments:
        yield Token(lineno, "data", message)
        return
    for piece in PLACEHOLDER_RE.split(message):
        name = piece[2:-2] if piece.startswith("%(") else None
        if name is not None:
            if name not in arguments:
                raise TemplateSyntaxError(f"{message!r} needs a value for {name}", lineno)
            yield Token(lineno, "variable_begin", "{{")
            yield Token(lineno, "lparen", "(")
            yield from arguments[name]
            yield Token(lineno, "rparen", ")")
            yield Token(lineno, "variable_end", "}}")
        elif piece:
            yield Token(lineno, "data", "%" if piece == "%%" else piece)


def _message(lineno: int, message: str, arguments: bool) -> Iterable[Token]:
    """`"message"|safe`, and `|format(` when keyword arguments and `)` follow."""
    yield Token(lineno, "string", message)
    yield Token(lineno, "pipe", "|")
    yield Token(lineno, "name", "safe")
    if arguments:
        yield Token(lineno, "pipe", "|")
        yield Token(lineno, "name", "format")
        yield Token(lineno, "lparen", "(")


def install(app: Flask) -> None:
    """Let the app's templates write `_("...")` (its own environment renders English), and
    refuse a default language without a catalog before any page is served."""
    folder, language = app.config["TRANSLATIONS_DIR"], app.config["SITE_LANGUAGE"]
    if language not in languages(folder):
        raise CatalogError(f"SITE_LANGUAGE={language!r} has no catalog in {folder}")
    app.jinja_env.add_extension(LiteralMessages)
    app.jinja_env.add_extension(fragments.Fragments)
    app.jinja_env.bytecode_cache = template_cache.for_language(
        app.config["TEMPLATE_CACHE_DIR"], ENGLISH
    )


@functools.lru_cache(maxsize=16)
def _environment(base: Environment, ui: Interface) -> Environment:
    # Fresh caches: templates compiled for another language must not be copied in.
    cache = template_cache.for_language(current_app.config["TEMPLATE_CACHE_DIR"], ui)
    overlay = base.overlay(cache_size=400, bytecode_cache=cache)
    overlay.interface = ui  # read by LiteralMessages as the templates are compiled
    return overlay


def environment(ui: Interface) -> Environment:
    """The template environment of a language: its literal messages translated."""
    app = current_app._get_current_object()
    return app.jinja_env if ui is ENGLISH else _environment(app.jinja_env, ui)


def render_template(ui: Interface, name: str, **context: object) -> str:
    """Render a template of the request in a language, `ui` and `_` set."""
    context.update(ui=ui, _=ui.gettext, ngettext=ui.ngettext)
    current_app.update_template_context(context)
    return environment(ui).get_template(name).render(context)
