"""The reference static build: Hugo building the same page set from the same data.

The same pages `seo build` writes, so the ratio compares equal work: N landing pages, N/2
location pages, a page per state, a hub per service, the locations index and the home page.
Hugo's fastest set-up for this job: location data in front matter, the shared article in a
cached partial (filled per page with `replace`), lists taken from front matter too (no
taxonomy walks), one layout per kind."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT
from generate import rows

from seo.core.articles import compile_article, parse_article
from seo.core.interface import ENGLISH

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}</title><meta name="description" content="{{ .Params.description }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}"><meta property="og:url" content="{{ .Permalink }}">
<link rel="stylesheet" href="/static/site.css">
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "MedicalClinic"
 "name" .Params.name "telephone" .Params.phone "url" .Permalink
 "address" (dict "@type" "PostalAddress" "streetAddress" .Params.street
 "addressLocality" .Params.city
 "addressRegion" .Params.state "postalCode" .Params.zip) | jsonify | safeJS }}</script>
</head><body><main><h1>{{ .Params.heading }}</h1><p class="lead">{{ .Params.intro }}</p>
{{ $a := partialCached (printf "article-%s.html" .Section) . .Section }}
{{ replace (replace $a "@@city@@" .Params.city) "@@state@@" .Params.state | safeHTML }}
<section class="nap"><p>{{ .Params.name }}<br>{{ .Params.street }}<br>{{ .Params.city }},
{{ .Params.state }} {{ .Params.zip }}</p><a href="tel:{{ .Params.phone }}">Call</a>
<table class="hours">{{ range .Params.hours }}<tr><th>{{ index . 0 }}</th>
<td>{{ index . 1 }}</td></tr>{{ end }}</table>
<ul>{{ range .Params.nearby }}<li><a href="{{ .path }}">{{ .name }}</a></li>{{ end }}</ul>
</section></main></body></html>
"""


HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}</title><link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>{{ .Title }}</h1>
"""
LINKS = """<ul>{{ range .Params.links }}<li><a href="{{ .path }}">{{ .name }}</a></li>{{ end }}</ul>
</main></body></html>
"""
# The location page: the clinic's NAP, hours, intro and the services offered there.
LOCATION = (
    HEAD
    + """<p class="lead">{{ .Params.intro }}</p>
<section class="nap"><p>{{ .Params.name }}<br>{{ .Params.street }}<br>{{ .Params.city }},
{{ .Params.state }} {{ .Params.zip }}</p><a href="tel:{{ .Params.phone }}">Call</a>
<table class="hours">{{ range .Params.hours }}<tr><th>{{ index . 0 }}</th>
<td>{{ index . 1 }}</td></tr>{{ end }}</table></section>
"""
    + LINKS
)
# States, hubs, the locations index and home: a heading, a summary and a list of links.
LISTING = HEAD + "<p>{{ .Params.summary }}</p>\n" + LINKS


def link(name: str, path: str) -> dict:
    return {"name": name, "path": path}


def write_page(path: Path, front: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(front) + "\n")


def make_listings(root: Path, services: list[dict], locations: list[dict]) -> None:
    """The state pages, the service hubs, the locations index and the home page."""
    states = sorted({loc["state"] for loc in locations})
    content = root / "content"
    for state in states:
        here = [loc for loc in locations if loc["state"] == state]
        write_page(content / "locations" / f"{state.lower()}.md", {
            "title": f"Clinics in {state}", "layout": "listing", "summary": f"{len(here)} clinics",
            "links": [link(loc["name"], f"/locations/{loc['slug']}/") for loc in here],
        })  # fmt: skip
    for service in services:
        write_page(content / service["slug"] / "_index.md", {
            "title": service["name"], "layout": "listing", "summary": service["name"],
            "links": [link(loc["name"], f"/{service['slug']}/{loc['slug']}/")
                      for loc in locations],
        })  # fmt: skip
    write_page(content / "locations" / "_index.md", {
        "title": "Our locations", "layout": "listing", "summary": "Every clinic by state",
        "links": [link(loc["name"], f"/locations/{loc['slug']}/") for loc in locations],
    })  # fmt: skip
    write_page(content / "_index.md", {
        "title": "Home", "summary": "Services and locations",
        "links": [link(s["name"], f"/{s['slug']}/") for s in services]
        + [link(state, f"/locations/{state.lower()}/") for state in states],
    })  # fmt: skip


def make_site(root: Path, landing_pages: int) -> None:
    services = json.loads((ROOT / "content" / "services.json").read_text())
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "layouts" / "partials").mkdir(parents=True)
    (root / "layouts" / "_default" / "single.html").write_text(LAYOUT)
    (root / "layouts" / "_default" / "location.html").write_text(LOCATION)
    (root / "layouts" / "_default" / "listing.html").write_text(LISTING)
    (root / "layouts" / "_default" / "list.html").write_text(LISTING)
    (root / "layouts" / "index.html").write_text(LISTING)
    (root / "hugo.toml").write_text(
        'baseURL = "https://clinics.example/"\ndisableKinds = ["taxonomy", "term", "RSS"]\n'
    )
    locations = list(rows(landing_pages // 2))
    make_listings(root, services, locations)
    for loc in locations:
        write_page(root / "content" / "locations" / f"{loc['slug']}.md", {
            "title": loc["name"], "layout": "location", "name": loc["name"],
            "street": loc["street_address"], "city": loc["city"], "state": loc["state"],
            "zip": loc["postal_code"], "phone": loc["phone"], "intro": loc["intro"],
            "hours": [[day, ", ".join(ranges) or "Closed"]
                      for day, ranges in ENGLISH.week_table(loc["opening_hours"])],
            "links": [link(s["name"], f"/{s['slug']}/{loc['slug']}/") for s in services],
        })  # fmt: skip
    for service in services:
        text = (ROOT / "content" / "articles" / service["article"]).read_text()
        html = compile_article(parse_article(text)).render(
            {
                "city": "@@city@@",
                "state": "@@state@@",
                "location_name": "@@city@@ clinic",
                "state_name": "",
                "street_address": "",
                "postal_code": "",
                "phone": "",
                "service_name": service["name"],
            }  # fmt: skip
        )
        (root / "layouts" / "partials" / f"article-{service['slug']}.html").write_text(html)
        folder = root / "content" / service["slug"]
        for n, loc in enumerate(locations):
            values = {"city": loc["city"], "state": loc["state"], "location_name": loc["name"]}
            nearby = [locations[(n + k) % len(locations)] for k in range(1, 5)]
            front = {
                "title": service["title_pattern"].format(**values, service_name=service["name"]),
                "description": service["description_pattern"].format(
                    **values, service_name=service["name"]
                ),
                "heading": service["heading_pattern"].format(**values),
                "name": loc["name"], "street": loc["street_address"], "city": loc["city"],
                "state": loc["state"], "zip": loc["postal_code"], "phone": loc["phone"],
                "intro": loc["intro"],
                "hours": [
                    [day, ", ".join(ranges) or "Closed"]
                    for day, ranges in ENGLISH.week_table(loc["opening_hours"])
                ],
                "nearby": [{"name": x["name"], "path": f"/{service['slug']}/{x['slug']}/"}
                           for x in nearby],
            }  # fmt: skip
            (folder / f"{loc['slug']}.md").write_text(json.dumps(front) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing-pages", type=int, default=10_000)
    args = parser.parse_args()
    hugo = shutil.which("hugo")
    if not hugo:
        raise SystemExit("hugo is not installed: apt-get install hugo")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_site(root, args.landing_pages)
        os.sync()  # the site's sources reach the disk before the build is timed
        started = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", hugo, "--quiet", "-s", str(root),
             "-d", str(root / "out")],
            capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if result.returncode:
            raise SystemExit(result.stderr[-3000:])
        peak = int(result.stderr.strip().splitlines()[-1]) / 1024
        pages = sum(1 for _ in (root / "out").rglob("index.html"))
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
    print(json.dumps({"hugo": version, "landing_pages": args.landing_pages, "pages": pages,
                      "seconds": round(seconds, 2), "pages_per_second": round(pages / seconds),
                      "peak_mb": round(peak)}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
