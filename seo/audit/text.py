"""Small text helpers the rules share: words, phone numbers and plurals."""

from __future__ import annotations

import re

from seo.core.locations import display_phone

WORD_RE = re.compile(r"[\w'’-]+")
DIGITS_RE = re.compile(r"\D")


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def phone_digits(text: str) -> str:
    """The ten digits of a US number (without the leading 1), or ''."""
    digits = DIGITS_RE.sub("", text)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def safe_display_phone(phone: str) -> str:
    """The (314) 555-0101 form of a stored phone, without failing on a bad one."""
    if len(phone) == 12 and phone.startswith("+1") and phone[2:].isdigit():
        return f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"  # what phonenumbers prints, faster
    try:
        return display_phone(phone) if phone else ""
    except Exception:  # an unparsable stored phone has no display form
        return phone


def phone_shown(digits: str, text: str) -> bool:
    """Whether a ten-digit US number appears in the text in one of the common notations."""
    if len(digits) != 10:
        return digits in text
    a, b, c = digits[:3], digits[3:6], digits[6:]
    forms = (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}", f"+1{digits}")
    return any(form in text for form in forms)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")
