"""JSON-LD: valid schema.org terms, extracted as crawlers do, NAP equal to the page."""

import json
from pathlib import Path

import extruct
import lxml.html
import pytest

from seo.core.schema_org import script_json

DATA = Path(__file__).parent / "data"
VOCAB = json.loads((DATA / "schemaorg-terms.json").read_text(encoding="utf-8"))
LANDING = "/neuropathic-pain-treatment/florissant-mo/"
PAGES = ["/", "/locations/", "/locations/mo/", "/locations/florissant-mo/",
         "/neuropathic-pain-treatment/", LANDING]  # fmt: skip


def ancestors(type_name: str) -> set[str]:
    seen, todo = set(), [type_name]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += VOCAB["classes"].get(name, {}).get("subClassOf", [])
    return seen


def nodes(value):
    """Every dict with an @type inside a JSON-LD value."""
    if isinstance(value, dict):
        if "@type" in value:
            yield value
        for item in value.values():
            yield from nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from nodes(item)


def vocabulary_problems(graph: dict) -> list[str]:
    problems = []
    for node in nodes(graph):
        types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        for type_name in types:
            if type_name not in VOCAB["classes"]:
                problems.append(f"unknown type {type_name}")
        lineage = set().union(*(ancestors(t) for t in types))
        for prop, value in node.items():
            if prop.startswith("@"):
                continue
            spec = VOCAB["properties"].get(prop)
            if spec is None:
                problems.append(f"unknown property {prop}")
            elif not lineage & set(spec.get("domainIncludes", [])):
                problems.append(f"{prop} is not used on {types}")
            if prop == "dayOfWeek":
                for day in value:
                    if "DayOfWeek" not in VOCAB["enumerationMembers"].get(day, []):
                        problems.append(f"{day} is not a DayOfWeek")
    return problems


def graph_of(client, path) -> dict:
    html = client.get(path).get_data(as_text=True)
    data = extruct.extract(html, base_url="https://clinics.example" + path, syntaxes=["json-ld"])
    assert len(data["json-ld"]) == 1
    return data["json-ld"][0]


def by_type(graph: dict, type_name: str) -> dict:
    (node,) = [n for n in graph["@graph"] if n["@type"] == type_name]
    return node


@pytest.mark.parametrize("path", PAGES)
def test_every_term_is_in_the_vocabulary(client, path):
    assert vocabulary_problems(graph_of(client, path)) == []


def test_vocabulary_check_can_fail():
    bad = {"@type": "MedicalClinic", "lastReviewed": "2026-01-01", "colour": "red"}
    assert vocabulary_problems({"@graph": [bad, {"@type": "Nope"}]}) == [
        "lastReviewed is not used on ['MedicalClinic']",
        "unknown property colour",
        "unknown type Nope",
    ]


def test_landing_graph_carries_required_fields(client):
    graph = graph_of(client, LANDING)
    clinic = by_type(graph, "MedicalClinic")
    assert clinic["name"] == "Gateway Pain Relief Florissant"
    assert clinic["telephone"] == "+13145550101"
    assert clinic["url"] == "https://clinics.example/locations/florissant-mo/"
    assert clinic["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1001 N New Florissant Rd, Suite 200",
        "addressLocality": "Florissant",
        "addressRegion": "MO",
        "postalCode": "63031",
        "addressCountry": "US",
    }
    assert clinic["geo"]["latitude"] == 38.7892
    assert clinic["openingHoursSpecification"][0]["dayOfWeek"][0] == "Monday"
    assert clinic["specialOpeningHoursSpecification"][1] == {
        "@type": "OpeningHoursSpecification",
        "name": "Christmas Day",
        "validFrom": "2026-12-25",
        "validThrough": "2026-12-25",
        "opens": "00:00",
        "closes": "00:00",
    }
    assert clinic["parentOrganization"] == {"@id": "https://clinics.example/#organization"}
    assert clinic["areaServed"]["name"] == "Florissant, MO"
    page = by_type(graph, "MedicalWebPage")
    assert page["url"] == "https://clinics.example" + LANDING
    assert page["lastReviewed"] and page["reviewedBy"]["@type"] == "Person"
    assert page["about"]["@type"] == "MedicalCondition"
    assert page["isPartOf"] == {"@id": "https://clinics.example/#website"}
    crumbs = by_type(graph, "BreadcrumbList")["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3, 4, 5]
    assert crumbs[-1]["item"] == "https://clinics.example" + LANDING
    faq = by_type(graph, "FAQPage")
    assert all(q["name"].endswith("?") for q in faq["mainEntity"])
    ids = {n["@id"] for n in graph["@graph"]}
    assert page["breadcrumb"]["@id"] in ids and page["mainEntity"]["@id"] in ids
    assert not {"review", "aggregateRating"} & {k for n in nodes(graph) for k in n}
    assert not {"Review", "AggregateRating"} & {n["@type"] for n in nodes(graph)}


def text_of(tree, css_class: str) -> str:
    (element,) = tree.find_class(css_class)
    return " ".join(element.text_content().split())


@pytest.mark.parametrize("path", [LANDING, "/locations/florissant-mo/"])
def test_visible_nap_equals_markup(client, path):
    html = client.get(path).get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    clinic = by_type(graph_of(client, path), "MedicalClinic")
    address = clinic["address"]
    assert text_of(tree, "nap-name") == clinic["name"]
    assert text_of(tree, "nap-street") == address["streetAddress"]
    assert text_of(tree, "nap-locality") == (
        f"{address['addressLocality']}, {address['addressRegion']} {address['postalCode']}"
    )
    (call,) = [a for a in tree.iter("a") if a.get("href", "").startswith("tel:")][:1]
    assert call.get("href") == "tel:" + clinic["telephone"]


HOSTILE = "</script><script>alert(1)</script> <!-- \u2028 & 'x' \"y\""


def test_script_json_cannot_break_the_element():
    text = script_json({"name": HOSTILE})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": HOSTILE}


def test_hostile_location_name_keeps_json_ld_intact(app, client, runner, tmp_path):
    name = HOSTILE.replace(" \u2028", "")  # a name holds no line separator (one line)
    out = tmp_path / "export.csv"
    runner.invoke(args=["seo", "export-locations", str(out)])
    text = out.read_text(encoding="utf-8").replace(
        "Gateway Pain Relief Florissant,", '"Florissant ' + name.replace('"', '""') + '",', 1
    )
    out.write_text(text, encoding="utf-8")
    # The hostile name also fails the audit's NAP check: publishing it takes the override.
    result = runner.invoke(args=["seo", "import-locations", "--allow-audit-errors", str(out)])
    assert result.exit_code == 0, result.output
    html = client.get(LANDING).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert html.count('<script type="application/ld+json">') == 1
    assert html.count("<script") == 2  # the JSON-LD and the deferred /static/site.js
    assert '<script src="/static/site.js" defer></script>' in html
    clinic = by_type(graph_of(client, LANDING), "MedicalClinic")
    assert clinic["name"] == "Florissant " + name
