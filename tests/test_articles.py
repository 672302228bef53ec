"""Article parsing in both layouts, placeholders and sanitising."""

from pathlib import Path

import pytest

from seo.core.articles import (
    PLACEHOLDERS,
    ArticleError,
    compile_article,
    is_heading,
    parse_article,
)

DATA = Path(__file__).parent / "data"
PLAIN_HEADINGS = [
    "Nerve Pain: What Sets It Apart",
    "Common Causes Worth Ruling Out",
    "How a First Visit Works",
    "Treatments That Often Help",
    "Is It Safe to Drive After a Nerve Block?",
    "Getting Started in {{ city }}",
]


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_plain_text_layout():
    article = parse_article(read("plain-article.txt"))
    assert article.title == "Living Well With Nerve Pain: A Practical Guide"
    assert article.keyword == "neuropathic pain treatment near me springfield il"
    assert [s.heading for s in article.sections] == PLAIN_HEADINGS
    assert article.intro.startswith("Nerve pain has a character of its own.")
    assert article.share is True
    assert len(article.sections[0].body.split("\n\n")) == 2


def test_share_now_is_not_content():
    html = compile_article(parse_article(read("plain-article.txt"))).render(PLACEHOLDERS)
    assert "Share Now" not in html
    assert '<h2 id="getting-started-in">Getting Started in Florissant</h2>' in html
    assert "Your clinician at Gateway Pain Relief Florissant will ask" in html


def test_markdown_layout_levels_and_lists():
    article = parse_article(read("markdown-article.md"))
    assert [(s.heading, s.level) for s in article.sections] == [
        ("What We Treat", 2),
        ("Does it hurt?", 3),
        ("How to Prepare", 2),
    ]
    compiled = compile_article(article)
    html = compiled.render(PLACEHOLDERS)
    assert "<strong>Florissant, MO</strong>" in html
    assert "<li>Bring your medicine list</li>" in html
    assert [q.question for q in compiled.questions] == ["Does it hurt?"]


def test_unknown_placeholder_names_the_section():
    with pytest.raises(ArticleError) as caught:
        parse_article(read("bad-placeholder.md"))
    assert caught.value.problems == [
        "section 'Second Section': unknown placeholder {{ town }}; use one of "
        + ", ".join(f"{{{{ {p} }}}}" for p in PLACEHOLDERS)
    ]


def test_template_syntax_error_names_the_section():
    with pytest.raises(ArticleError) as caught:
        parse_article(read("bad-syntax.md"))
    assert caught.value.problems[0].startswith("section 'Broken Section': template error on line 1")


@pytest.mark.parametrize(
    "source",
    [
        "{{ city.__class__.__mro__ }}",
        "{{ city.format.__globals__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{% for x in range(10**9) %}{% endfor %}",
    ],
)
def test_sandbox_escapes_are_import_errors(source):
    text = f"# Title\n\n## Section\n\n{source}\n"
    with pytest.raises(ArticleError):
        parse_article(text)


def test_html_in_articles_is_escaped():
    text = "# T\n\n## S\n\n<script>alert(1)</script> [x](javascript:alert) <a href=x>y</a>\n"
    html = compile_article(parse_article(text)).render(PLACEHOLDERS)
    assert "<script>" not in html
    assert 'href="javascript' not in html


def test_location_values_are_escaped_when_filled():
    compiled = compile_article(parse_article("# T\n\n## S\n\nAt {{ location_name }}.\n"))
    html = compiled.render({**PLACEHOLDERS, "location_name": "<b>x</b>"})
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_plain_text_markdown_characters_stay_literal():
    text = (
        "Title\n\nIntro with *stars* and _underscores_ for {{ location_name }}.\n\n"
        "Heading\n\nBody.\n"
    )
    html = compile_article(parse_article(text)).render(PLACEHOLDERS)
    assert "*stars*" in html and "_underscores_" in html and "Gateway Pain Relief" in html


@pytest.mark.parametrize(
    "block, expected",
    [
        ("The Role of NMDA Receptors", True),
        ("Understanding Ketamine: A Brief Overview", True),
        ("Share Now :", False),
        ("This is a sentence.", False),
        ("Two\nlines", False),
        ("word " * 20, False),
    ],
)
def test_heading_detection(block, expected):
    assert is_heading(block.strip()) is expected


@pytest.mark.parametrize("name", ["plain-article.txt", "markdown-article.md"])
def test_fast_fill_equals_sandboxed_render(name):
    compiled = compile_article(parse_article(read(name)))
    assert compiled.slots is not None
    values = {**PLACEHOLDERS, "city": "<O'Fallon & Co>"}
    assert compiled.render(values) == compiled.template.render(**values)


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parent.parent / "content" / "articles").glob("*.md"))
)
def test_demo_articles_take_the_fast_path(path):
    compiled = compile_article(parse_article(path.read_text(encoding="utf-8")))
    assert compiled.slots is not None
    assert compiled.render(PLACEHOLDERS) == compiled.template.render(**PLACEHOLDERS)


def test_expressions_filters_and_blocks_are_import_errors():
    for source in ("{{ city|upper }}", "{{ city * 3 }}", "{% if city %}x{% endif %}"):
        with pytest.raises(ArticleError) as caught:
            parse_article(f"# T\n\n## S\n\nIn {source}.\n")
        assert "plain names such as {{ city }}" in caught.value.problems[0]
