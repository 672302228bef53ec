"""The staff list filters: whatever is typed into a query string answers a page, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REQUEST_FILTERS = ("location", "service", "from", "to", "page")
LOCATION_FILTERS = ("q", "state", "status", "service", "sort", "dir", "page")

# Values that have broken filters elsewhere, mixed with any text and any date.
TYPED = [
    "",
    " ",
    "\x00",
    "%",
    "_",
    "\\",
    "'",
    "0",
    "-1",
    "1e9",
    "99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "2024-W01-1",
    "florissant-mo",
    "neuropathic-pain-treatment",
    "MO",
    "published",
    "desc",
    "𝔘",
    "\u2028",
]
typed_text = st.lists(st.sampled_from(TYPED) | st.text(max_size=12), max_size=4).map("".join)
typed_value = st.sampled_from(TYPED) | typed_text | st.dates().map(str) | st.integers().map(str)


def filter_args(names):
    return st.dictionaries(st.sampled_from(names), typed_value)


def test_request_dates_at_the_ends_of_the_calendar_answer_a_page(client, staff):
    response = client.get("/admin/requests/?to=9999-12-31")
    assert response.status_code == 200
    assert "0 requests" in response.get_data(as_text=True)
    response = client.get("/admin/requests/?from=0001-01-01")
    assert response.status_code == 200
    response = client.get("/admin/requests.csv?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"


def test_unusable_filters_are_ignored_with_a_note(client, staff):
    response = client.get("/admin/requests/?to=2024-13-01&location=nowhere&page=two")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "0 requests" in html
    assert "Ignored the to date &#39;2024-13-01&#39;: write a date as YYYY-MM-DD" in html
    assert "Ignored the location &#39;nowhere&#39;: no location has this slug." in html
    assert "Ignored the page &#39;two&#39;: showing page 1." in html
    response = client.get("/admin/locations/", query_string={"state": "zz", "q": "a\x00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Gateway Pain Relief Florissant" in html
    assert "Ignored the state &#39;ZZ&#39;: not a US state code." in html
    assert "Ignored the search &#39;a\\x00&#39;: it holds control characters." in html
    assert "Ignored" not in client.get("/admin/locations/?state=il&sort=city").get_data(True)


def test_export_refuses_filters_it_cannot_use(client, staff):
    response = client.get("/admin/requests.csv?from=yesterday")
    assert response.status_code == 400
    assert "Nothing was exported" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/admin/requests/", REQUEST_FILTERS),
        ("/admin/requests.csv", REQUEST_FILTERS),
        ("/admin/locations/", LOCATION_FILTERS),
    ],
)
def test_any_typed_filter_answers_without_a_server_error(client, staff, path, names):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(filter_args(names))
    def check(args):
        response = client.get(path, query_string=args)
        assert response.status_code < 500, (args, response.status_code)

    check()
