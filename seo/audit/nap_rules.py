"""Page rules on a clinic's name, address, phone, coordinates and hours, in data and markup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from seo.audit.model import AuditConfig, AuditPage, Issue
from seo.audit.text import phone_digits, phone_shown, safe_display_phone


def needs_clinic(page: AuditPage) -> bool:
    return page.location is not None and page.kind in ("location", "landing")


def name_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows the clinic's name."""
    if needs_clinic(page) and not page.location.name.strip():
        yield "name", "The clinic has no name: fill in the location's name."


def address_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows a full street address."""
    if not needs_clinic(page):
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
    if needs_clinic(page) and not page.location.phone.strip():
        yield "phone", "The clinic has no phone number: fill in the location's phone."


def coordinates_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page gives map coordinates (JSON-LD geo)."""
    if needs_clinic(page) and page.location.latitude is None:
        yield (
            "latitude",
            "The clinic has no coordinates: add latitude and longitude so maps and search "
            "engines place it exactly.",
        )


def closed_on(page: AuditPage, today: date) -> bool:
    """The page's clinic is temporarily closed on `today`."""
    until = page.location.closed_until if page.location is not None else None
    return until is not None and today < until


def hours_missing(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A clinic page shows opening hours (a temporarily closed clinic may have none yet)."""
    if (
        needs_clinic(page)
        and not closed_on(page, today)
        and not page.location.opening_hours.strip()
    ):
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
    if not needs_clinic(page):
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


def _closes_through(node: dict, last_day: str) -> bool:
    """The node's special hours close every day through `last_day` (from some day on)."""
    special = node.get("specialOpeningHoursSpecification")
    for item in special if isinstance(special, list) else [special]:
        if (
            isinstance(item, dict)
            and item.get("opens") == "00:00"
            and item.get("closes") == "00:00"
            and item.get("validThrough") == last_day
            and str(item.get("validFrom") or "") <= last_day
        ):
            return True
    return False


def closure_mismatch(page: AuditPage, config: AuditConfig, today: date) -> Iterator[Issue]:
    """A temporarily closed clinic's pages say so, in the text and in the JSON-LD, and an open
    clinic's pages do not."""
    if not needs_clinic(page):
        return
    shown = page.closure_text in page.html.text
    if not closed_on(page, today):
        if shown:
            yield (
                "closed_until",
                "The page says the clinic is temporarily closed, but it is open: republish the "
                "page.",
            )
        return
    reopens = page.location.closed_until
    if not shown:
        yield (
            "closed_until",
            f"The clinic is closed until {reopens.isoformat()}, but the page does not say so: "
            "republish the page.",
        )
    node = clinic_node(page)
    last_day = (reopens - timedelta(days=1)).isoformat()
    if node is not None and not _closes_through(node, last_day):
        yield (
            "closed_until",
            f"The clinic is closed until {reopens.isoformat()}, but its JSON-LD special opening "
            f"hours do not close it through {last_day}: republish the page.",
        )
