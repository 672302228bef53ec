"""Clinic photos in the staff workspace, on SQLite and PostgreSQL: upload with alt text,
order, main photo, delete, CSRF; each write recorded and published with page state."""

import io
import re
from pathlib import Path

import lxml.html
import pytest
from photo_data import jpeg
from sqlalchemy import select
from sqlalchemy.orm import Session

from seo.store.db import get_engine
from seo.store.models import Change, Location, PageState, Photo

ALT = "The Kirkwood clinic entrance, with a ramp to the left of the glass doors"


def _db():
    return Session(get_engine(), expire_on_commit=False)


def _location_id(app, slug: str) -> int:
    with app.app_context(), _db() as s:
        return s.scalars(select(Location.id).where(Location.slug == slug)).one()


def _photos(app, slug: str) -> list[Photo]:
    with app.app_context(), _db() as s:
        stmt = select(Photo).join(Location).where(Location.slug == slug)
        return list(s.scalars(stmt.order_by(Photo.position, Photo.id)))


def _files(app) -> set[str]:
    root = Path(app.config["MEDIA_DIR"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _state(app, path: str) -> PageState:
    with app.app_context(), _db() as s:
        return s.get(PageState, path)


def _upload(client, staff, location_id: int, data: bytes, alt: str = ALT, **extra):
    page = f"/admin/locations/{location_id}/photos/"
    form = {"csrf_token": staff.token(page), "alt": alt, **extra}
    form["file"] = (io.BytesIO(data), "clinic.jpg")
    return client.post(page, data=form, content_type="multipart/form-data")


def _status(client, url: str) -> int:
    """Fetch a file and close it (a served file is a stream)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response.status_code


def _main_img(client, path: str):
    tree = lxml.html.fromstring(client.get(path).get_data(as_text=True))
    images = tree.xpath("//figure[@class='photo']//img")
    return images[0] if images else None


def test_the_location_page_links_to_its_photos(app, client, staff):
    location_id = _location_id(app, "kirkwood-mo")
    html = client.get(f"/admin/locations/{location_id}/").get_data(as_text=True)
    assert f'href="/admin/locations/{location_id}/photos/"' in html
    page = client.get(f"/admin/locations/{location_id}/photos/")
    assert page.status_code == 200 and "No photos yet." in page.get_data(as_text=True)


def test_upload_puts_the_photo_on_the_clinic_pages(app, client, staff):
    location_id = _location_id(app, "kirkwood-mo")
    before = _state(app, "/locations/kirkwood-mo/")
    files_before = _files(app)
    response = _upload(client, staff, location_id, jpeg(gps=True))
    assert response.status_code == 302
    (photo,) = _photos(app, "kirkwood-mo")
    assert photo.alt == ALT and photo.main and photo.widths == "480;960;1600"
    added = _files(app) - files_before
    assert len(added) == 7  # six variants and the original
    assert f"originals/{photo.digest}.jpg" in added
    for path in ("/locations/kirkwood-mo/", "/neuropathic-pain-treatment/kirkwood-mo/"):
        img = _main_img(client, path)
        assert img is not None and img.get("alt") == ALT
        assert _status(client, img.get("src")) == 200
    after = _state(app, "/locations/kirkwood-mo/")
    assert after.fingerprint != before.fingerprint and after.inputs != before.inputs
    assert after.images == f"/media/photos/{photo.digest}-1600.jpg"
    with app.app_context(), _db() as s:
        change = s.scalars(
            select(Change).where(Change.entity == "photo", Change.label == "kirkwood-mo")
        ).one()
    assert (change.action, change.user, change.label) == ("upload", staff_email(), "kirkwood-mo")
    history = client.get(f"/admin/locations/{location_id}/history").get_data(as_text=True)
    assert "of the photos" in history and ALT in history


def staff_email() -> str:
    from conftest import STAFF_EMAIL

    return STAFF_EMAIL


@pytest.mark.parametrize(
    ("alt", "data", "message"),
    [
        ("", jpeg(), "alt text is required"),
        ("   ", jpeg(), "alt text is required"),
        ("Two\nlines", jpeg(), "contains a line break"),
        (ALT, b"not a photo at all", "is not a JPEG, PNG, WebP or HEIC image"),
        (ALT, jpeg()[:4000], "damaged or cut short"),
        (ALT, jpeg(300, 200), "at least 480 px wide"),
    ],
    ids=["empty-alt", "blank-alt", "two-line-alt", "not-an-image", "truncated", "too-small"],
)
def test_a_bad_upload_is_a_form_error_and_nothing_is_stored(app, client, staff, alt, data, message):
    location_id = _location_id(app, "kirkwood-mo")
    files, state = _files(app), _state(app, "/locations/kirkwood-mo/")
    response = _upload(client, staff, location_id, data, alt)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html.replace("&#39;", "'")
    assert "nothing was stored" in html
    assert _photos(app, "kirkwood-mo") == []
    assert _files(app) == files
    assert _state(app, "/locations/kirkwood-mo/").fingerprint == state.fingerprint


def test_a_file_over_the_size_limit_is_refused(app, client, staff):
    app.config["MAX_PHOTO_BYTES"] = 20_000
    response = _upload(client, staff, _location_id(app, "kirkwood-mo"), jpeg())
    assert response.status_code == 422
    assert "is accepted: export it smaller" in response.get_data(as_text=True)
    assert _photos(app, "kirkwood-mo") == []


def test_the_same_photo_twice_is_refused(app, client, staff):
    location_id = _location_id(app, "kirkwood-mo")
    assert _upload(client, staff, location_id, jpeg()).status_code == 302
    response = _upload(client, staff, location_id, jpeg(), "Another description of it")
    assert response.status_code == 422
    assert "already one of" in response.get_data(as_text=True).replace("&#39;", "'")


def _post(client, staff, location_id: int, photo_id: int, action: str, **data):
    token = staff.token(f"/admin/locations/{location_id}/photos/")
    url = f"/admin/locations/{location_id}/photos/{photo_id}/{action}"
    return client.post(url, data={"csrf_token": token, **data})


def test_reorder_and_choose_the_main_photo(app, client, staff):
    location_id = _location_id(app, "florissant-mo")
    front, room = _photos(app, "florissant-mo")
    assert front.main and not room.main
    landing = "/neuropathic-pain-treatment/florissant-mo/"
    assert _main_img(client, landing).get("alt") == front.alt

    assert _post(client, staff, location_id, room.id, "move", direction="up").status_code == 302
    assert [p.id for p in _photos(app, "florissant-mo")] == [room.id, front.id]
    assert _main_img(client, landing).get("alt") == front.alt  # order alone keeps the main

    before = _state(app, "/locations/florissant-mo/").images.split("\n")
    assert _post(client, staff, location_id, room.id, "main").status_code == 302
    assert [p.main for p in _photos(app, "florissant-mo")] == [True, False]
    assert _main_img(client, landing).get("alt") == room.alt
    after = _state(app, "/locations/florissant-mo/").images.split("\n")
    assert after == list(reversed(before))  # the main photo is listed first
    actions = [c.action for c in _changes(app)]
    assert actions[-2:] == ["reorder", "main photo"]


def _changes(app) -> list[Change]:
    with app.app_context(), _db() as s:
        return list(s.scalars(select(Change).where(Change.entity == "photo").order_by(Change.id)))


def test_edit_the_alt_text(app, client, staff):
    location_id = _location_id(app, "florissant-mo")
    front, _room = _photos(app, "florissant-mo")
    new = "The Florissant clinic seen from New Florissant Road"
    assert _post(client, staff, location_id, front.id, "alt", alt=new).status_code == 302
    assert _main_img(client, "/locations/florissant-mo/").get("alt") == new
    response = _post(client, staff, location_id, front.id, "alt", alt=" ")
    assert response.status_code == 422
    assert _photos(app, "florissant-mo")[0].alt == new


def test_delete_removes_the_photo_and_its_files(app, client, staff):
    location_id = _location_id(app, "st-louis-mo")
    (photo,) = _photos(app, "st-louis-mo")
    variant = f"/media/photos/{photo.digest}-960.webp"
    assert _status(client, variant) == 200
    assert _post(client, staff, location_id, photo.id, "delete").status_code == 302
    assert _photos(app, "st-louis-mo") == []
    assert not any(photo.digest in name for name in _files(app))
    assert _status(client, variant) == 404
    assert _main_img(client, "/locations/st-louis-mo/") is None
    assert _state(app, "/locations/st-louis-mo/").images == ""


def test_deleting_the_main_photo_makes_the_next_one_main(app, client, staff):
    location_id = _location_id(app, "florissant-mo")
    front, room = _photos(app, "florissant-mo")
    assert _post(client, staff, location_id, front.id, "delete").status_code == 302
    (left,) = _photos(app, "florissant-mo")
    assert left.id == room.id and left.main


def test_a_photo_of_another_clinic_is_not_found(app, client, staff):
    (photo,) = _photos(app, "st-louis-mo")
    other = _location_id(app, "florissant-mo")
    assert _post(client, staff, other, photo.id, "delete").status_code == 404
    assert len(_photos(app, "st-louis-mo")) == 1


@pytest.mark.parametrize("action", ["upload", "alt", "move", "main", "delete"])
def test_every_photo_form_needs_its_csrf_token(app, client, staff, action):
    location_id = _location_id(app, "florissant-mo")
    front, room = _photos(app, "florissant-mo")
    files = _files(app)
    if action == "upload":
        url = f"/admin/locations/{location_id}/photos/"
        data = {"alt": ALT, "file": (io.BytesIO(jpeg()), "clinic.jpg")}
    else:
        url = f"/admin/locations/{location_id}/photos/{room.id}/{action}"
        data = {"alt": "Changed", "direction": "up"}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert [(p.id, p.alt, p.main) for p in _photos(app, "florissant-mo")] == [
        (front.id, front.alt, True),
        (room.id, room.alt, False),
    ]
    assert _files(app) == files


def test_photos_need_a_signed_in_account(app, client):
    location_id = _location_id(app, "florissant-mo")
    response = client.get(f"/admin/locations/{location_id}/photos/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_upload_form_names_the_limits(app, client, staff):
    html = client.get(f"/admin/locations/{_location_id(app, 'kirkwood-mo')}/photos/").get_data(
        as_text=True
    )
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input[^>]*accept="image/jpeg,image/png,image/webp,image/heic', html)
    assert "JPEG, PNG, WebP or HEIC" in html


def test_an_upload_the_gate_refuses_leaves_no_row_and_no_file(app, client, staff, monkeypatch):
    from seo.audit import ERROR, Finding
    from seo.services import gate

    finding = Finding(ERROR, "title-missing", "/locations/kirkwood-mo/", "title", "No title.")
    monkeypatch.setattr(gate, "findings", lambda session, refs: [finding])
    files = _files(app)
    response = _upload(client, staff, _location_id(app, "kirkwood-mo"), jpeg())
    assert response.status_code == 422
    assert "title-missing" in response.get_data(as_text=True)
    assert _photos(app, "kirkwood-mo") == []
    assert _files(app) == files
