"""Page rules on what one page says: title, description, headings, canonical, text, review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from seo.audit.model import AuditConfig, AuditPage, Issue
from seo.audit.text import words

NEAR_ME_RE = re.compile(r"\bnear me\b", re.I)


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
