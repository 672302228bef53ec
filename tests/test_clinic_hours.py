"""Hours the way clinics keep them, end to end on SQLite and PostgreSQL: ranges past midnight
and all day, named holidays, a temporary closure and each clinic's time zone, through the
CSV, the admin form, the pages and their JSON-LD, the sitemap, the audit and the requests
list."""

import csv
import io
import json
import re
from datetime import date, datetime
from html import unescape

from conftest import csrf_token, make_app
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from seo.store import migrate
from seo.store.db import get_engine
from seo.store.models import AppointmentRequest, Location

SLUG = "florissant-mo"
LOCATION_PAGE = f"/locations/{SLUG}/"
LANDING = f"/neuropathic-pain-treatment/{SLUG}/"
HOURS = "Mo-Th 08:00-17:00; Fr 08:00-17:00,18:00-02:00; Su 00:00-24:00"
HOLIDAYS = "2026-12-24 08:00-12:00 Christmas Eve; 2026-12-25 closed Christmas Day"


# --- helpers: the CSV as staff handle it, pages as crawlers read them -----------------------


def export_rows(runner, tmp_path) -> tuple[list[str], list[dict[str, str]]]:
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["seo", "export-locations", str(out)])
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    return list(reader.fieldnames), list(reader)


def import_rows(runner, tmp_path, header: list[str], rows: list[dict[str, str]]):
    path = tmp_path / "import.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return runner.invoke(args=["seo", "import-locations", str(path)])


def change_clinic(runner, tmp_path, slug: str = SLUG, **cells: str) -> None:
    header, rows = export_rows(runner, tmp_path)
    row = next(r for r in rows if r["slug"] == slug)
    row.update(cells)
    result = import_rows(runner, tmp_path, header, rows)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("created 0, updated 1,"), result.stdout


def stored(app, slug: str = SLUG) -> Location:
    with app.app_context(), Session(get_engine(), expire_on_commit=False) as session:
        return session.scalars(select(Location).where(Location.slug == slug)).one()


def visible_text(html: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    body = re.sub(r"</?(?:strong|time|span|a|em|small)\b[^>]*>", "", body)  # inline: no gap
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def clinic_node(html: str) -> dict:
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    graph = json.loads(raw)["@graph"]
    return next(n for n in graph if n.get("@id", "").endswith("#clinic"))


def sitemap_paths(client) -> set[str]:
    index = client.get("/sitemap.xml").get_data(as_text=True)
    paths = set()
    for url in re.findall(r"<loc>https://clinics\.example(/sitemaps/[^<]+)</loc>", index):
        body = client.get(url).get_data(as_text=True)
        paths |= set(re.findall(r"<loc>https://clinics\.example([^<]+)</loc>", body))
    return paths


def audit_findings(runner, path: str) -> list[dict]:
    result = runner.invoke(args=["seo", "audit", "--format", "json"])
    return [f for f in json.loads(result.stdout)["findings"] if f["path"] == path]


# --- locations.csv ------------------------------------------------------------------------


def test_csv_round_trip_of_overnight_all_day_named_holidays_and_a_closure(app, runner, tmp_path):
    header, _rows = export_rows(runner, tmp_path)
    # The last column of the format, then the demo's Spanish intros.
    assert header[-2:] == ["closed_until", "intro_es"] and "time_zone" not in header
    change_clinic(
        runner,
        tmp_path,
        opening_hours="mo-th 08:00-17:00; FR 08:00-17:00, 18:00-02:00; Su 00:00-24:00",
        special_hours="2026-12-25 closed Christmas Day; 2026-12-24 08:00-12:00 Christmas Eve",
        closed_until="2026-12-01",
    )
    row = stored(app)
    assert (row.opening_hours, row.special_hours) == (HOURS, HOLIDAYS)
    assert row.closed_until == date(2026, 12, 1)
    assert row.time_zone == "America/Chicago"

    header, rows = export_rows(runner, tmp_path)
    cells = next(r for r in rows if r["slug"] == SLUG)
    assert (cells["opening_hours"], cells["special_hours"]) == (HOURS, HOLIDAYS)
    assert cells["closed_until"] == "2026-12-01"
    again = import_rows(runner, tmp_path, header, rows)
    assert again.stdout.strip() == "created 0, updated 0, unchanged 15, retired 0"


def test_csv_errors_for_the_new_cells_name_row_and_column(app, runner, tmp_path):
    header, rows = export_rows(runner, tmp_path)
    rows[0]["closed_until"] = "12/01/2026"
    rows[1]["opening_hours"] = "Mo-Fr 09:00-05:00"
    rows[2]["special_hours"] = "2026-12-24 09:00-12:00 Eve; 2026-12-24 14:00-15:00 Christmas Eve"
    result = import_rows(runner, tmp_path, header, rows)
    assert result.exit_code == 1 and result.stdout == ""
    assert "row 2, column closed_until: '12/01/2026' is not a date such as 2026-12-01" in (
        result.stderr
    )
    assert "row 3, column opening_hours: " in result.stderr
    assert "closes before it opens" in result.stderr
    assert "row 4, column special_hours: 2026-12-24 is named both 'Eve' and 'Christmas Eve'" in (
        result.stderr
    )


def test_time_zone_is_no_csv_column(app, runner, tmp_path):
    header, rows = export_rows(runner, tmp_path)
    for row in rows:
        row["time_zone"] = "America/Chicago"
    result = import_rows(runner, tmp_path, [*header, "time_zone"], rows)
    assert result.exit_code == 1
    assert result.stderr.startswith("row 1, column time_zone: unknown column")


def test_an_import_keeps_a_chosen_zone_until_the_clinic_moves(app, client, staff, runner, tmp_path):
    location_id = stored(app).id
    form = edit_form(client, location_id)
    assert form["time_zone"] == ""  # "From the coordinates"
    form["time_zone"] = "America/New_York"
    assert client.post(f"/admin/locations/{location_id}/", data=form).status_code == 302
    assert stored(app).time_zone == "America/New_York"

    header, rows = export_rows(runner, tmp_path)
    result = import_rows(runner, tmp_path, header, rows)
    assert result.stdout.strip() == "created 0, updated 0, unchanged 15, retired 0"
    assert stored(app).time_zone == "America/New_York"

    change_clinic(runner, tmp_path, latitude="38.8012", longitude="-90.3301")
    assert stored(app).time_zone == "America/Chicago"  # a new place: its own zone again


# --- the admin form -------------------------------------------------------------------------


def edit_form(client, location_id: int) -> dict:
    """The values an edit form was loaded with, as the browser would send them back."""
    html = client.get(f"/admin/locations/{location_id}/").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html)}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r'name="([a-z_]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name[1] not in ("services", "csrf_token"):
            data.setdefault(name[1], unescape(value[1]) if value else "")
        grid = re.search(r'name="([a-z_]+-[\w-]+)"', tag)  # the hours grid: repeated names
        if grid and not ('type="checkbox"' in tag and " checked" not in tag):
            data.setdefault(grid[1], []).append(unescape(value[1]) if value else "")
    match = re.search(r'<textarea[^>]*name="intro"[^>]*>\s*(.*?)</textarea>', html, re.S)
    data["intro"] = unescape(match[1]) if match else ""
    for name in ("state", "status", "time_zone"):
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)[0]
        chosen = re.search(r'<option selected value="([^"]*)"', select_html)
        data[name] = chosen[1] if chosen else ""
    return data


def test_admin_form_round_trip(app, client, staff):
    location_id = stored(app).id
    form = edit_form(client, location_id)
    assert form["closed_until"] == ""
    form = {k: v for k, v in form.items() if "-" not in k}  # the hours as text, as scripts post
    form.update(
        opening_hours="Mo-Th 08:00-17:00; Fr 08:00-17:00,18:00-02:00; su 00:00-24:00",
        special_hours=HOLIDAYS,
        closed_until="2026-12-01",
        time_zone="America/Indiana/Knox",
    )
    assert client.post(f"/admin/locations/{location_id}/", data=form).status_code == 302
    row = stored(app)
    assert (row.opening_hours, row.special_hours) == (HOURS, HOLIDAYS)
    assert (row.closed_until, row.time_zone) == (date(2026, 12, 1), "America/Indiana/Knox")

    again = edit_form(client, location_id)
    assert again["opening_hours-Fr-opens"] == ["08:00", "18:00", ""]  # and one empty range
    assert again["opening_hours-Fr-closes"] == ["17:00", "02:00", ""]
    assert again["opening_hours-Su-opens"] == ["00:00", ""]
    assert again["opening_hours-Sa-closed"] == ["y"]
    assert again["special_hours-h0-name"] == ["Christmas Eve"]
    assert again["special_hours-h1-day"] == ["2026-12-25"]
    assert again["special_hours-h1-closed"] == ["y"]
    assert again["closed_until"] == "2026-12-01"
    assert again["time_zone"] == "America/Indiana/Knox"
    again.update(closed_until="", time_zone="")  # reopened; the zone from the coordinates
    assert client.post(f"/admin/locations/{location_id}/", data=again).status_code == 302
    row = stored(app)
    assert (row.closed_until, row.time_zone) == (None, "America/Chicago")
    assert (row.opening_hours, row.special_hours) == (HOURS, HOLIDAYS)  # through the grid


def test_admin_form_shows_errors_beside_the_new_fields(app, client, staff):
    location_id = stored(app).id
    form = edit_form(client, location_id)
    form.update(closed_until="2026-02-30", time_zone="Europe/Paris")
    response = client.post(f"/admin/locations/{location_id}/", data=form)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert re.search(r'id="closed_until-error">\'2026-02-30\' is not a real date<', html)
    assert re.search(r'id="time_zone-error">\'Europe/Paris\' is not a US time zone', html)
    assert stored(app).closed_until is None


# --- pages, JSON-LD and sitemaps --------------------------------------------------------------


def test_overnight_all_day_and_named_holidays_on_the_pages(app, client, runner, tmp_path):
    change_clinic(runner, tmp_path, opening_hours=HOURS, special_hours=HOLIDAYS)
    for path in (LOCATION_PAGE, LANDING):
        html = client.get(path).get_data(as_text=True)
        assert 'data-time-zone="America/Chicago"' in html
        assert re.search(
            r'<tr data-day="4" data-hours="08:00-17:00,18:00-02:00"><th scope="row">Friday</th>'
            r'<td><span class="span">8:00 AM – 5:00 PM</span>, '
            r'<span class="span">6:00 PM – 2:00 AM</span></td></tr>',
            html,
        )
        assert re.search(r'data-day="5" data-hours="">.*?<td>Closed</td>', html)
        assert re.search(
            r'data-day="6" data-hours="00:00-24:00">.*?Open 24 hours</span></td>', html
        )
        shown = visible_text(html)
        assert "Thursday, December 24 (Christmas Eve): 8:00 AM – 12:00 PM" in shown
        assert "Friday, December 25 (Christmas Day): Closed" in shown
        node = clinic_node(html)
        spec = node["openingHoursSpecification"]
        assert {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Friday"],
                "opens": "18:00", "closes": "02:00"} in spec  # fmt: skip
        assert {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Sunday"],
                "opens": "00:00", "closes": "23:59"} in spec  # fmt: skip
        names = [s.get("name") for s in node["specialOpeningHoursSpecification"]]
        assert names == ["Christmas Eve", "Christmas Day"]
    assert not [f for f in audit_findings(runner, LANDING) if f["level"] == "error"]


def test_a_closed_clinic_says_so_in_text_json_ld_and_sitemap(app, client, runner, tmp_path):
    # Closed until after Christmas: the holiday hours before reopening are left out.
    change_clinic(runner, tmp_path, closed_until="2026-12-26")
    for path in (LOCATION_PAGE, LANDING):
        response = client.get(path)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Temporarily closed, reopening on Saturday, December 26, 2026." in (
            visible_text(html)
        )
        assert 'data-closed-until="2026-12-26"' in html
        special = clinic_node(html)["specialOpeningHoursSpecification"]
        assert special[0] == {
            "@type": "OpeningHoursSpecification",
            "name": "Temporarily closed",
            "validFrom": "2026-11-25",  # the date the page is composed for (TODAY in tests)
            "validThrough": "2026-12-25",
            "opens": "00:00",
            "closes": "00:00",
        }
        assert [s["validFrom"] for s in special[1:]] == ["2027-01-01"]
        assert "December 24" not in visible_text(html)
    assert {LOCATION_PAGE, LANDING} <= sitemap_paths(client)
    assert not [f for f in audit_findings(runner, LANDING) if f["level"] == "error"]


def test_the_closure_ends_on_the_reopening_day(app, client, runner, tmp_path):
    change_clinic(runner, tmp_path, closed_until="2026-12-01")
    assert "Temporarily closed" in client.get(LOCATION_PAGE).get_data(as_text=True)
    app.config["TODAY"] = date(2026, 12, 1)
    html = client.get(LOCATION_PAGE).get_data(as_text=True)
    assert "Temporarily closed" not in html and "data-closed-until" not in html
    assert clinic_node(html)["specialOpeningHoursSpecification"][0]["validFrom"] == "2026-12-24"


def test_a_closed_clinic_without_hours_passes_the_audit(app, client, runner, tmp_path):
    change_clinic(runner, tmp_path, opening_hours="", closed_until="2027-03-01")
    html = client.get(LOCATION_PAGE).get_data(as_text=True)
    assert 'table class="hours"' not in html
    rules = {f["rule"] for f in audit_findings(runner, LOCATION_PAGE)}
    assert not rules & {"hours-missing", "local-business-recommended", "closure-mismatch"}
    app.config["TODAY"] = date(2027, 3, 1)  # reopened, still without hours
    assert "hours-missing" in {f["rule"] for f in audit_findings(runner, LOCATION_PAGE)}


# --- the requests list ----------------------------------------------------------------------


def test_requests_list_shows_times_on_the_clinic_clock(app, client, staff):
    location_id = stored(app).id
    with app.app_context(), Session(get_engine()) as session:
        for name, where in (("Robin Local", location_id), ("Sam Nowhere", None)):
            session.add(
                AppointmentRequest(
                    created_at=datetime(2026, 11, 27, 23, 30),  # UTC
                    location_id=where,
                    name=name,
                    phone="+13145550142",
                    consent=True,
                )
            )
        session.commit()
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert "Received (clinic time)" in html
    row = r"<tr[^>]*>\s*<td[^>]*><time[^>]*>([^<]+)</time></td>\s*<td[^>]*>"
    local = re.search(row + "Robin Local", html)
    assert local[1] == "2026-11-27 17:30 CST"
    gone = re.search(row + "Sam Nowhere", html)
    assert gone[1] == "2026-11-27 23:30 UTC"


# --- the migration ------------------------------------------------------------------------


def test_the_migration_gives_existing_clinics_their_zone(database_url):
    from alembic import command

    app = make_app(database_url)
    with app.app_context():
        engine = get_engine()
        with engine.begin() as connection:
            command.upgrade(migrate.alembic_config(connection), "0006")
            for slug, state, lat, lon in (
                ("el-paso-tx", "TX", 31.762, -106.485),
                ("austin-tx", "TX", None, None),
            ):
                connection.execute(
                    text(
                        "INSERT INTO locations (slug, name, street_address, city, state, "
                        "postal_code, phone, latitude, longitude, opening_hours, special_hours, "
                        "services, intro, status, redirect_to, created_at, updated_at, version) "
                        "VALUES (:slug, 'Clinic', '1 Main St', 'Town', :state, '79901', "
                        "'+19155550100', :lat, :lon, '', '', '', '', 'published', '', "
                        "'2026-11-25 10:00:00', '2026-11-25 10:00:00', 1)"
                    ),
                    {"slug": slug, "state": state, "lat": lat, "lon": lon},
                )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            zones = dict(connection.execute(text("SELECT slug, time_zone FROM locations")).all())
        engine.dispose()
    assert zones == {"el-paso-tx": "America/Denver", "austin-tx": "America/Chicago"}
