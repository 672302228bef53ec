"""The store locator's pure core: reading a search, placing it, and ranking clinics."""

import json
import math
import random

import pytest

from seo.core import geo, locator, places
from seo.core.locations import Location
from seo.core.pages.model import Service, Site
from seo.core.places import Gazetteer, ZipRecord

# A small ZIP table of our own: two Florissants, two Springfields, a city only USPS aliases.
RECORDS = [
    ZipRecord("63031", "Florissant", "MO", 38.8069, -90.3401, "America/Chicago"),
    ZipRecord("63033", "Florissant", "MO", 38.7957, -90.2842, "America/Chicago"),
    ZipRecord("80816", "Florissant", "CO", 38.8546, -105.3121, "America/Denver"),
    ZipRecord("63108", "Saint Louis", "MO", 38.6445, -90.2544, "America/Chicago"),
    ZipRecord("63301", "Saint Charles", "MO", 38.8014, -90.5065, "America/Chicago"),
    ZipRecord("62704", "Springfield", "IL", 39.7718, -89.6867, "America/Chicago"),
    ZipRecord("65806", "Springfield", "MO", 37.2053, -93.2976, "America/Chicago"),
    ZipRecord("66211", "Leawood", "KS", 38.9249, -94.6369, "America/Chicago", ("Overland Park",)),
    ZipRecord("67202", "Wichita", "KS", 37.6872, -97.3301, "America/Chicago"),
    ZipRecord("46202", "Indianapolis", "IN", 39.7846, -86.1564, "America/Indiana/Indianapolis"),
]
TABLE = Gazetteer(RECORDS)


def clinic(slug, city, state, postal_code, latitude=None, longitude=None, services=()):
    return Location(
        slug=slug,
        name=f"Test Clinic {city}",
        street_address="1 Main St",
        city=city,
        state=state,
        postal_code=postal_code,
        phone="+13145550100",
        latitude=latitude,
        longitude=longitude,
        opening_hours="Mo-Fr 09:00-17:00; Sa 09:00-12:00",
        services=services,
        intro="A long paragraph the locator never needs.",
    )


CLINICS = [
    clinic("north-county", "Florissant", "MO", "63031", 38.79, -90.32),
    clinic("midtown", "St. Louis", "MO", "63108", 38.63, -90.20, ("knee-care",)),
    clinic("riverside", "St. Charles", "MO", "63301", 38.79, -90.50),
    clinic("capital", "Springfield", "IL", "62704", 39.78, -89.65),
    clinic("circle", "Indianapolis", "IN", "46202"),  # no coordinates: placed at its ZIP code
]
SERVICES = [
    Service("back-care", "Back Care", "", "", "", "", ""),
    Service("knee-care", "Knee Care", "", "", "", "", ""),
]


@pytest.fixture(scope="module")
def directory():
    return locator.Directory(CLINICS, TABLE)


def labels(reading):
    return [p.label for p in reading.places]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("63031", ["63031 (Florissant, MO)"]),
        ("63031-1234", ["63031 (Florissant, MO)"]),
        ("near 63033 please", ["63033 (Florissant, MO)"]),
        ("Florissant", ["Florissant, CO", "Florissant, MO"]),
        ("Florissant, MO", ["Florissant, MO"]),
        ("florissant mo", ["Florissant, MO"]),
        ("Florissant, Missouri", ["Florissant, MO"]),
        ("St. Louis", ["Saint Louis, MO"]),
        ("st louis, mo", ["Saint Louis, MO"]),
        ("Overland Park, KS", ["Overland Park, KS"]),
        ("MO", ["Missouri"]),
        ("missouri", ["Missouri"]),
        ("  Kansas  ", ["Kansas"]),
    ],
)
def test_a_search_is_placed_by_zip_city_or_state(text, expected):
    reading = places.locate(text, TABLE)
    assert labels(reading) == expected
    assert not reading.message


def test_a_zip_code_is_placed_at_its_own_coordinates():
    (place,) = places.locate("63031", TABLE).places
    assert (place.kind, place.latitude, place.longitude, place.state) == (
        "zip",
        38.8069,
        -90.3401,
        "MO",
    )


def test_a_city_is_placed_at_the_middle_of_its_zip_codes():
    (place,) = places.locate("Florissant, MO", TABLE).places
    assert place.kind == "city"
    assert place.latitude == pytest.approx((38.8069 + 38.7957) / 2, abs=1e-4)
    assert place.longitude == pytest.approx((-90.3401 + -90.2842) / 2, abs=1e-4)


@pytest.mark.parametrize(
    "text, message, suggestions, state",
    [
        ("Flrissant", 'We could not find a place called "Flrissant".', ("Florissant",), ""),
        ("Floris", 'We could not find a place called "Floris".', ("Florissant",), ""),
        (
            "Sprngfield, IL",
            'We could not find "Sprngfield" in Illinois.',
            ("Springfield, IL",),
            "IL",
        ),
        ("Atlantis, MO", 'We could not find "Atlantis" in Missouri.', (), "MO"),
        ("63099", "63099 is not a ZIP code in use. Check it, or type a city or a state.", (), "MO"),
        ("99999", "99999 is not a ZIP code in use. Check it, or type a city or a state.", (), ""),
        ("6303", "6303 is not a ZIP code: a ZIP code has five digits.", (), ""),
        ("", "Type a ZIP code, a city or a state.", (), ""),
        ("?!", "Type a ZIP code, a city or a state.", (), ""),
        ("xyzzy", 'We could not find a place called "xyzzy".', (), ""),
    ],
)
def test_an_unknown_place_gets_a_message_and_searches_to_try(text, message, suggestions, state):
    reading = places.locate(text, TABLE)
    assert reading.places == ()
    assert (reading.message, reading.suggestions, reading.state) == (message, suggestions, state)


def test_names_fold_alike_whatever_the_spelling():
    assert places.fold("St. Louis") == places.fold("SAINT LOUIS") == "saint louis"
    assert places.fold("O'Fallon") == places.fold("O Fallon")
    assert places.fold("Española") == places.fold("Espanola")
    assert places.fold("Winston-Salem") == "winston salem"


def test_a_state_code_is_not_read_as_an_abbreviation():
    assert places.state_code("MT") == "MT"  # Montana, not "mount"
    assert places.state_code("St") is None
    assert places.split_state("Kansas City MO") == ("Kansas City", "MO")
    assert places.split_state("Washington, District of Columbia") == ("Washington", "DC")
    assert places.split_state("Kansas City") is None


def test_the_packaged_zip_table_places_real_searches():
    table = places.gazetteer()
    assert table is places.gazetteer()  # read once per process
    assert labels(places.locate("63031", table)) == ["63031 (Florissant, MO)"]
    assert "Florissant, MO" in labels(places.locate("Florissant", table))
    assert labels(places.locate("Saint Louis, MO", table)) == ["Saint Louis, MO"]
    (state,) = places.locate("Missouri", table).places
    assert 36 < state.latitude < 41 and -96 < state.longitude < -89
    assert places.locate("Flrissant, MO", table).suggestions == ("Florissant, MO",)
    assert table.timezone("63031") == "America/Chicago"
    assert table.zip("56908") is None  # a code the table cannot place (0, 0) is left out


def names(answer):
    return [hit.location.slug for hit in answer.hits]


def test_clinics_are_ranked_nearest_first_with_distances_in_miles(directory):
    answer = directory.search(locator.Search("63031"), SERVICES)
    assert names(answer) == ["north-county", "riverside", "midtown", "capital", "circle"]
    kms = [hit.km for hit in answer.hits]
    assert kms == sorted(kms)
    assert locator.miles(kms[0]) == "1.6 mi"
    assert answer.place.label == "63031 (Florissant, MO)"


def test_the_nearest_clinic_decides_between_places_of_one_name(directory):
    answer = directory.search(locator.Search("Florissant"), SERVICES)
    assert answer.place.label == "Florissant, MO"
    assert answer.others == ("Florissant, CO",)
    assert names(answer)[0] == "north-county"


def test_a_city_is_named_as_our_clinics_spell_it(directory):
    answer = directory.search(locator.Search("Saint Louis"), SERVICES)
    assert answer.place.label == "St. Louis, MO"
    assert names(answer)[0] == "midtown"


def test_a_service_filter_keeps_only_clinics_offering_it():
    only = locator.Directory(
        [c for c in CLINICS if c.slug in ("midtown", "capital")]
        + [clinic("solo", "Florissant", "MO", "63031", 38.79, -90.32, ("back-care",))],
        TABLE,
    )
    answer = only.search(locator.Search("63031", "knee-care"), SERVICES)
    assert names(answer) == ["midtown", "capital"]
    assert answer.service.slug == "knee-care"
    card = locator.card(answer.hits[0], answer.service)
    assert card["path"] == "/knee-care/midtown/"


def test_an_unknown_service_is_named_and_ignored(directory):
    answer = directory.search(locator.Search("63031", "tooth-care"), SERVICES)
    assert answer.service is None
    assert answer.message == 'We offer no treatment called "tooth-care"; showing every clinic.'
    assert names(answer)[0] == "north-county"


def test_a_state_lists_its_clinics_from_their_middle_outwards(directory):
    answer = directory.search(locator.Search("Missouri"), SERVICES)
    assert answer.state == "MO" and answer.state_total == 3
    assert set(names(answer)) == {"north-county", "midtown", "riverside"}
    assert names(answer)[0] == "north-county"  # nearest the middle of the three
    assert all(hit.km is None for hit in answer.hits)
    assert locator.heading(answer) == "Clinics in Missouri"


def test_a_state_without_clinics_gets_the_nearest_ones_and_says_so(directory):
    answer = directory.search(locator.Search("KS"), SERVICES)
    assert answer.message == "We have no clinic in Kansas yet. These are the nearest."
    assert names(answer)[0] == "riverside"  # St. Charles: the westernmost, nearest Kansas


def test_an_unknown_city_in_a_known_state_lists_that_states_clinics(directory):
    answer = directory.search(locator.Search("Atlantis, IL"), SERVICES)
    assert answer.message == 'We could not find "Atlantis" in Illinois.'
    assert names(answer) == ["capital"]


def test_an_unknown_place_lists_nothing_and_suggests(directory):
    answer = directory.search(locator.Search("Flrissant"), SERVICES)
    assert answer.hits == () and answer.place is None
    assert answer.suggestions == ("Florissant",)
    assert locator.heading(answer) == "No place found"


def test_a_clinic_without_coordinates_is_placed_at_its_zip_code(directory):
    answer = directory.search(locator.Search("Indianapolis"), SERVICES)
    assert names(answer)[0] == "circle"
    assert answer.hits[0].km < 1
    assert answer.hits[0].timezone == "America/Indiana/Indianapolis"


def test_a_position_from_the_browser_is_searched_around(directory):
    answer = directory.search(locator.Search(near=(39.78, -89.65)), SERVICES)
    assert answer.place.label == "your location"
    assert names(answer)[0] == "capital" and answer.hits[0].km < 0.1


@pytest.mark.parametrize(
    "args, search, problem",
    [
        ({"q": "  Florissant,   MO "}, locator.Search("Florissant, MO"), ""),
        ({"q": "63031", "service": "knee-care"}, locator.Search("63031", "knee-care"), ""),
        ({"near": "38.78912,-90.32261"}, locator.Search(near=(38.789, -90.323)), ""),
        (
            {"q": "x" * 101},
            locator.Search(),
            "Type at most 100 characters: a ZIP code, a city or a state.",
        ),
        ({"near": "91,0"}, locator.Search(), "Your position could not be read; type a place."),
        ({"near": "nan,nan"}, locator.Search(), "Your position could not be read; type a place."),
        ({"near": "1,2,3"}, locator.Search(), "Your position could not be read; type a place."),
    ],
)
def test_a_request_is_read_into_a_search(args, search, problem):
    read, why = locator.read_search(args)
    assert why == problem
    if not problem:
        assert read == search


def test_only_a_request_with_a_search_is_one():
    assert locator.is_search({"q": ""}) and locator.is_search({"near": "1,2"})
    assert not locator.is_search({"utm_source": "news"})


def test_the_point_search_finds_what_a_full_scan_finds():
    rng = random.Random(11)
    spots = [
        clinic(f"c{n}", "X", "MO", "63031", rng.uniform(25, 49), rng.uniform(-124, -67))
        for n in range(3000)
    ]
    grid = geo.Grid(spots)
    for _ in range(50):
        lat, lon = rng.uniform(24, 50), rng.uniform(-125, -66)
        found = geo.nearest_to_point(lat, lon, lambda x: True, grid.box, 10)
        full = sorted(
            (geo.point_distance_km(lat, lon, x.latitude, x.longitude), x.slug) for x in spots
        )
        assert [x.slug for _km, x in found] == [slug for _km, slug in full[:10]]


def test_the_week_is_summed_up_in_one_line():
    assert locator.week_summary("Mo-Fr 08:00-17:00; Sa 09:00-12:00") == (
        "Mon–Fri 8:00 AM – 5:00 PM; Sat 9:00 AM – 12:00 PM"
    )
    assert locator.week_summary("Mo,We,Fr 08:00-12:00") == (
        "Mon 8:00 AM – 12:00 PM; Wed 8:00 AM – 12:00 PM; Fri 8:00 AM – 12:00 PM"
    )
    assert locator.week_summary("") == ""


def test_the_json_index_holds_what_the_script_needs(directory):
    document = json.loads(directory.index_document(SERVICES))
    fields = document["fields"]
    rows = {row[0]: dict(zip(fields, row, strict=True)) for row in document["clinics"]}
    assert set(rows) == {c.slug for c in CLINICS}
    midtown = rows["midtown"]
    assert midtown["services"] == ["knee-care"]
    assert rows["capital"]["services"] is None  # every service
    assert midtown["phone_display"] == "(314) 555-0100"
    assert midtown["timezone"] == "America/Chicago"
    assert not math.isnan(rows["circle"]["latitude"])  # placed at its ZIP code
    assert document["paths"] == {"location": "/locations/{slug}/", "landing": "/{service}/{slug}/"}
    assert document["states"]["MO"] == ["Missouri", "/locations/mo/"]
    assert document["services"] == [["back-care", "Back Care"], ["knee-care", "Knee Care"]]
    assert "intro" not in fields and "A long paragraph" not in json.dumps(document)


def test_the_answer_page_is_noindex_and_carries_each_clinics_hours(directory):
    site = Site("https://clinics.example")
    answer = directory.search(locator.Search("63031", "knee-care"), SERVICES)
    page = locator.compose(site, SERVICES, answer)
    assert page.noindex and page.kind == "locator"
    assert page.canonical == "https://clinics.example/locations/"
    assert page.title == "Knee Care near 63031 (Florissant, MO) | Gateway Pain Relief"
    first = page.data["cards"][0]
    assert first["hours"] == "Mo-Fr 09:00-17:00; Sa 09:00-12:00"
    assert first["timezone"] == "America/Chicago" and first["tel"] == "tel:+13145550100"
    assert page.data["finder"]["service"] == "knee-care"


def test_of_several_places_the_one_nearest_a_clinic_is_found_as_a_full_scan_finds_it():
    rng = random.Random(5)
    spots = [
        clinic(f"c{n}", "X", "MO", "63031", rng.uniform(30, 45), rng.uniform(-100, -80))
        for n in range(500)
    ]
    grid = geo.Grid(spots)
    for _ in range(40):
        points = [(rng.uniform(20, 55), rng.uniform(-130, -60)) for _ in range(rng.randint(1, 30))]
        chosen = geo.nearest_of(points, lambda x: True, grid.box)

        def nearest_km(point):
            return min(geo.point_distance_km(*point, x.latitude, x.longitude) for x in spots)

        assert nearest_km(points[chosen]) == min(nearest_km(p) for p in points)
    assert geo.nearest_of([(1.0, 1.0), (2.0, 2.0)], lambda x: False, grid.box) == 0


def test_other_places_of_a_name_are_few_and_those_near_clinics_come_first():
    many = [
        ZipRecord(f"9{n:04d}", "Franklin", state, 30.0 + n, -100.0 - n, "America/Chicago")
        for n, state in enumerate(["AL", "AZ", "CA", "CT", "GA", "IL", "KY", "MA", "NE"])
    ]
    table = Gazetteer([*RECORDS, *many])
    directory = locator.Directory([clinic("ky", "Franklin", "KY", "90006", 36.0, -106.0)], table)
    answer = directory.search(locator.Search("Franklin"), SERVICES)
    assert answer.place.label == "Franklin, KY"
    assert answer.others == (
        "Franklin, AL",
        "Franklin, AZ",
        "Franklin, CA",
        "Franklin, CT",
        "Franklin, GA",
    )
    near_il = locator.Directory(
        [
            clinic("ky", "Franklin", "KY", "90006", 36.0, -106.0),
            clinic("il", "Peoria", "IL", "90005", 50, 0),
        ],
        table,
    )
    assert near_il.search(locator.Search("Franklin"), SERVICES).others[0] == "Franklin, IL"
