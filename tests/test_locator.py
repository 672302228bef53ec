"""The store locator on the server (SQLite and PostgreSQL): /locations/?q= answers by ZIP code,
city or state, nearest first, noindex and briefly cached; never a 500; not in any sitemap."""

import json
import re
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from conftest import NEW_CLINIC

from seo.services import build

ROOT = Path(__file__).resolve().parent.parent
DEMO_PUBLISHED = 14  # locations.csv: 15 clinics, Ballwin a draft


def get(client, query: str):
    response = client.get("/locations/?" + query)
    return response, lxml.html.fromstring(response.get_data(as_text=True))


def results(tree) -> list[str]:
    return [a.text_content() for a in tree.xpath("//ol[@class='clinics']/li/h3/a")]


def heading(tree) -> str:
    return tree.xpath("string(//section[@id='locator-results']/h2)")


def notice(tree) -> str:
    return tree.xpath("string(//section[@id='locator-results']/p[@class='notice'])")


def miles(tree) -> list[float]:
    return [float(m.replace(" mi", "")) for m in tree.xpath("//strong[@class='distance']/text()")]


def assert_noindex(response, tree):
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert response.headers["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "query, first, title",
    [
        ("q=63031", "Gateway Pain Relief Florissant", "Clinics near 63031 (Florissant, MO)"),
        ("q=Florissant", "Gateway Pain Relief Florissant", "Clinics near Florissant, MO"),
        ("q=Florissant%2C+MO", "Gateway Pain Relief Florissant", "Clinics near Florissant, MO"),
        ("q=st+louis+mo", "Gateway Pain Relief St. Louis", "Clinics near St. Louis, MO"),
        ("q=62223", "Gateway Pain Relief Belleville", "Clinics near 62223 (Belleville, IL)"),
        (
            "q=Louisville%2C+Kentucky",
            "Gateway Pain Relief Louisville",
            "Clinics near Louisville, KY",
        ),
    ],
)
def test_a_zip_code_or_city_lists_the_nearest_clinics_first(client, query, first, title):
    response, tree = get(client, query)
    assert response.status_code == 200
    assert results(tree)[0] == first
    assert heading(tree) == title
    distances = miles(tree)
    assert len(distances) == len(results(tree)) == 10
    assert distances == sorted(distances) and distances[0] < 5
    assert_noindex(response, tree)
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_each_result_has_a_call_button_directions_and_hours_for_the_script(client):
    _response, tree = get(client, "q=63031")
    card = tree.xpath("//ol[@class='clinics']/li")[0]
    assert card.xpath(".//a[contains(@class, 'call')]/@href") == ["tel:+13145550101"]
    assert card.xpath(".//a[.='Directions']/@href")[0].startswith("https://www.google.com/maps/")
    assert card.xpath(".//h3/a/@href") == ["/locations/florissant-mo/"]
    assert card.get("data-hours") == "Mo-Fr 08:00-17:00; Sa 09:00-13:00"
    assert card.get("data-tz") == "America/Chicago"
    assert "2026-12-25 closed" in card.get("data-special")
    assert card.xpath("string(.//p[@class='week'])") == (
        "Mon–Fri 8:00 AM – 5:00 PM; Sat 9:00 AM – 1:00 PM"
    )


@pytest.mark.parametrize("query", ["q=MO", "q=mo", "q=Missouri"])
def test_a_state_lists_its_own_clinics(client, query):
    response, tree = get(client, query)
    assert response.status_code == 200
    assert heading(tree) == "Clinics in Missouri"
    names = results(tree)
    assert len(names) == 8  # the demo's published Missouri clinics
    assert "Gateway Pain Relief Belleville" not in names  # Illinois, though near St. Louis
    assert "Gateway Pain Relief Ballwin" not in names  # a draft
    assert tree.xpath("//a[@href='/locations/mo/']")


def test_a_state_without_clinics_says_so_and_lists_the_nearest(client):
    response, tree = get(client, "q=Nebraska")
    assert response.status_code == 200
    assert notice(tree) == "We have no clinic in Nebraska yet. These are the nearest."
    assert results(tree)[0] in (
        "Gateway Pain Relief Overland Park",
        "Gateway Pain Relief Kansas City",
    )


@pytest.mark.parametrize(
    "query, message, suggestion",
    [
        (
            "q=Flrissant",
            'We could not find a place called "Flrissant".',
            "/locations/?q=Florissant",
        ),
        (
            "q=Flrissant%2C+MO",
            'We could not find "Flrissant" in Missouri.',
            "/locations/?q=Florissant%2C+MO",
        ),
        ("q=Qwxzv", 'We could not find a place called "Qwxzv".', None),
        ("q=63999", "63999 is not a ZIP code in use. Check it, or type a city or a state.", None),
        ("q=", "Type a ZIP code, a city or a state.", None),
        ("q=%3Cscript%3E", 'We could not find a place called "<script>".', None),
    ],
)
def test_an_unknown_place_gets_a_helpful_message_never_a_500(client, query, message, suggestion):
    response, tree = get(client, query)
    assert response.status_code == 200
    assert notice(tree) == message
    assert_noindex(response, tree)
    if suggestion:
        assert suggestion in tree.xpath("//p[@class='suggest']/a/@href")
    assert b"<script>" not in response.get_data()


def test_an_unknown_zip_code_lists_the_clinics_of_its_state(client):
    _response, tree = get(client, "q=63999")
    assert heading(tree) == "Clinics in Missouri"
    assert len(results(tree)) == 8


@pytest.mark.parametrize("query", ["q=" + "a" * 101, "q=63031&service=" + "x" * 101, "near=abc"])
def test_an_over_long_or_unreadable_search_is_refused_with_a_message(client, query):
    response, tree = get(client, query)
    assert response.status_code == 400
    assert notice(tree)
    assert results(tree) == []
    assert_noindex(response, tree)


def test_a_position_from_the_browser_lists_the_nearest_clinics(client):
    _response, tree = get(client, "near=39.78,-89.65")
    assert heading(tree) == "Clinics near your location"
    assert results(tree)[0] == "Gateway Pain Relief Springfield"


def test_the_service_filter_keeps_only_clinics_offering_it(client):
    _response, everyone = get(client, "q=Columbia%2C+MO")
    assert results(everyone)[0] == "Gateway Pain Relief Columbia"
    response, tree = get(client, "q=Columbia%2C+MO&service=ketamine-infusion-therapy")
    names = results(tree)
    # Columbia and Edwardsville offer neuropathic pain treatment only.
    assert "Gateway Pain Relief Columbia" not in names
    assert "Gateway Pain Relief Edwardsville" not in names
    assert heading(tree) == "Ketamine Infusion Therapy near Columbia, MO"
    links = tree.xpath("//ol[@class='clinics']/li/h3/a/@href")
    assert all(link.startswith("/ketamine-infusion-therapy/") for link in links)
    for link in links:
        assert client.get(link).status_code == 200
    selected = tree.xpath("//select[@name='service']/option[@selected]/@value")
    assert selected == ["ketamine-infusion-therapy"]


def test_the_form_is_on_the_locations_page_and_works_without_a_script(client):
    tree = lxml.html.fromstring(client.get("/locations/").get_data(as_text=True))
    (form,) = tree.xpath("//form[@data-locator]")
    assert form.get("method") == "get" and form.get("action") == "/locations/"
    assert form.xpath(".//input[@name='q']/@maxlength") == ["100"]
    assert form.xpath(".//select[@name='service']/option/@value") == [
        "",
        "neuropathic-pain-treatment",
        "ketamine-infusion-therapy",
    ]
    assert form.xpath(".//button[@data-locate]/@hidden") == [""]  # shown by the script only
    assert tree.xpath("//script[@src='/static/locator.js'][@defer]")


def test_locations_without_a_search_is_the_plain_page(client):
    plain = client.get("/locations/")
    assert plain.headers["Cache-Control"] == "public, max-age=300"
    assert b'name="robots"' not in plain.get_data()
    assert client.get("/locations/?utm_source=newsletter").get_data() == plain.get_data()


def test_the_answer_does_not_depend_on_the_day(app, client):
    first = client.get("/locations/?q=63031").get_data()
    app.config["TODAY"] = date(2027, 6, 1)
    assert client.get("/locations/?q=63031").get_data() == first


def test_a_repeated_answer_is_not_modified_and_head_works(client):
    response = client.get("/locations/?q=63031")
    again = client.get("/locations/?q=63031", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.head("/locations/?q=63031").status_code == 200


def test_searches_are_limited_per_address_but_the_page_is_not(app, client):
    app.config["LOCATOR_RATE_LIMIT"] = "3 per minute"
    codes = [client.get(f"/locations/?q=6303{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/locations/").status_code == 200
    other = app.test_client()
    answer = other.get("/locations/?q=63031", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert answer.status_code == 200


def test_searches_are_in_no_sitemap(client):
    client.get("/locations/?q=63031")
    index = client.get("/sitemap.xml").get_data(as_text=True)
    documents = [index] + [
        client.get(re.sub(r"^https?://[^/]+", "", loc)).get_data(as_text=True)
        for loc in re.findall(r"<loc>([^<]+)</loc>", index)
    ]
    assert len(documents) > 1
    assert not any("?q=" in doc or "index.json" in doc for doc in documents)
    assert "<loc>https://clinics.example/locations/</loc>" in "".join(documents)


def test_a_new_clinic_is_found_once_it_is_saved(client, staff):
    before = results(get(client, "q=Webster+Groves%2C+MO")[1])
    assert "Gateway Pain Relief Webster Groves" not in before
    token = staff.token("/admin/locations/new")
    saved = client.post("/admin/locations/new", data={**NEW_CLINIC, "csrf_token": token})
    assert saved.status_code == 302
    after = results(get(client, "q=Webster+Groves%2C+MO")[1])
    assert "Gateway Pain Relief Webster Groves" in after[:2]
    index = json.loads(client.get("/locations/index.json").get_data())
    assert "webster-groves-mo" in {row[0] for row in index["clinics"]}


def test_the_json_index_lists_the_published_clinics(client):
    response = client.get("/locations/index.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data())
    slugs = {row[0] for row in document["clinics"]}
    assert len(slugs) == DEMO_PUBLISHED and "ballwin-mo" not in slugs
    assert (
        client.get(
            "/locations/index.json", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_the_build_writes_the_json_index_the_server_serves(app, client, tmp_path):
    with app.app_context():
        build.build_site(tmp_path / "site", workers=1)
    written = (tmp_path / "site" / "locations" / "index.json").read_bytes()
    assert written == client.get("/locations/index.json").get_data()
    fields = json.loads(written)["fields"]
    assert {"slug", "name", "city", "state", "latitude", "longitude", "phone"} <= set(fields)
    assert {"opening_hours", "special_hours", "timezone"} <= set(fields)


SCRIPT_BUDGET = 20 * 1024  # bytes of static/locator.js, loaded on /locations/ pages only


def test_the_locator_script_fits_its_budget():
    assert (ROOT / "static" / "locator.js").stat().st_size <= SCRIPT_BUDGET


@pytest.mark.parametrize("query", ["q=63031", "q=Flrissant", "q=" + "a" * 101])
def test_the_answer_has_only_deferred_scripts_and_one_data_block(client, query):
    html = client.get("/locations/?" + query).get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    scripts = [s for s in tree.iter("script") if s.get("type") != "application/ld+json"]
    assert [s.get("src") for s in scripts] == ["/static/site.js", "/static/locator.js"]
    assert all(s.get("defer") is not None and not (s.text or "").strip() for s in scripts)
    assert len(tree.xpath("//script[@type='application/ld+json']")) == 1
    assert len(tree.xpath("//h1")) == 1
    assert not re.search(r"\son[a-z]+=", html) and not tree.xpath("//*[@style]")
