"""Appointment requests as plain values: validation, campaign parameters, page targets."""

import pytest

from seo.core.appointments import (
    PageTarget,
    campaign,
    campaign_from_url,
    clean_referrer,
    is_spam,
    notification_text,
    page_target,
    validate_request,
)

GOOD = {"name": "Ann Lee", "phone": "(314) 555-0123", "consent": "y", "preferred_time": "morning"}


def test_valid_request_normalises_the_phone():
    value, errors = validate_request(GOOD)
    assert errors == {}
    assert value.phone == "+13145550123" and value.name == "Ann Lee"
    assert value.preferred_time == "morning"


def test_email_alone_is_enough():
    value, errors = validate_request({**GOOD, "phone": "", "email": "ann@example.com"})
    assert errors == {} and value.email == "ann@example.com" and value.phone == ""


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": "  "}, "name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "314-55"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"consent": ""}, "consent"),
        ({"preferred_time": "midnight"}, "preferred_time"),
        ({"message": "x" * 2001}, "message"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_input_names_the_field(changes, field):
    value, errors = validate_request({**GOOD, **changes})
    assert value is None
    assert field in errors and errors[field]


def test_service_must_be_one_of_the_choices():
    value, errors = validate_request({**GOOD, "service": "nope"}, ["a", "b"])
    assert value is None and "service" in errors
    value, _ = validate_request({**GOOD, "service": "b"}, ["a", "b"])
    assert value.service == "b"


def test_campaign_keeps_only_given_utm_values():
    assert campaign({"utm_source": " newsletter ", "utm_medium": "", "x": "y"}) == {
        "utm_source": "newsletter"
    }
    url = "https://clinics.example/a/b/?utm_source=newsletter&utm_campaign=spring&q=1"
    assert campaign_from_url(url) == {"utm_source": "newsletter", "utm_campaign": "spring"}
    assert campaign_from_url("") == {}


def test_honeypot_and_referrer():
    assert is_spam({"website": "http://spam.example"}) and not is_spam({"website": ""})
    assert clean_referrer("javascript:alert(1)") == ""
    assert clean_referrer("https://www.google.com/") == "https://www.google.com/"


@pytest.mark.parametrize(
    "path, target",
    [
        ("/locations/florissant-mo/", PageTarget("florissant-mo")),
        (
            "/neuropathic-pain-treatment/florissant-mo/",
            PageTarget("florissant-mo", "neuropathic-pain-treatment"),
        ),  # fmt: skip
        ("/locations/", None),
        ("/admin/locations/", None),
        ("https://evil.example/x/y/", None),
        ("/a/b/c/", None),
    ],
)
def test_page_target(path, target):
    assert page_target(path) == target


def test_notification_carries_no_patient_details():
    text = notification_text(
        "Ketamine", "Gateway Florissant", "morning", "https://x/admin/requests/"
    )
    assert "Ketamine at Gateway Florissant" in text and "Morning" in text
    assert "https://x/admin/requests/" in text
