"""The photo pipeline: variants, metadata stripped, orientation applied, bad files refused."""

import io
from pathlib import Path

import pytest
from photo_data import GPS_IFD, encoded, jpeg, picture, png_header
from PIL import Image

from seo.core import photos, urls
from seo.services.images import Limits, PhotoRefused, process

LIMITS = Limits(max_bytes=15 * 1024 * 1024, max_pixels=50_000_000)
DATA = Path(__file__).parent / "data"


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_variants_are_made_at_each_width_in_webp_and_jpeg():
    result = process(jpeg(2000, 1333), LIMITS)
    assert result.widths == (480, 960, 1600)
    assert (result.width, result.height) == (1600, 1066)
    assert sorted(result.variants) == sorted(
        urls.photo_file(result.digest, w, ext) for w in (480, 960, 1600) for ext in ("jpg", "webp")
    )
    for name, data in result.variants.items():
        image = opened(data)
        width = int(name.split("-")[1].split(".")[0])
        assert image.format == ("WEBP" if name.endswith(".webp") else "JPEG")
        assert image.width == width
        assert abs(image.height - width * 1333 / 2000) <= 1
    assert result.original_name == f"{result.digest}.jpg"


def test_a_narrow_photo_is_never_enlarged():
    result = process(jpeg(700, 500), LIMITS)
    assert result.widths == (480, 700)
    assert (result.width, result.height) == (700, 500)


def test_the_file_name_holds_a_hash_of_the_content():
    first, second = process(jpeg(quality=80), LIMITS), process(jpeg(quality=81), LIMITS)
    assert first.digest != second.digest
    assert process(jpeg(quality=80), LIMITS).digest == first.digest
    assert all(urls.PHOTO_FILE_RE.match(name) for name in first.variants)


def test_gps_exif_xmp_and_comments_are_stripped():
    upload = jpeg(gps=True, xmp=True)
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(GPS_IFD)  # the upload has them
    result = process(upload, LIMITS)
    for name, data in result.variants.items():
        image = opened(data)
        assert not image.getexif(), name
        assert not image.info.get("exif") and not image.info.get("xmp"), name
        assert "comment" not in image.info, name
        for marker in (b"Exif", b"GPS", b"xmpmeta", b"Test Phone Maker", b"taken at home"):
            assert marker not in data, (name, marker)


@pytest.mark.parametrize(
    ("orientation", "top_colour"),
    [(6, "red"), (8, "blue"), (3, "blue"), (1, "red")],
)
def test_exif_orientation_is_applied(orientation, top_colour):
    """The camera stored the picture sideways (left half red) and said how to turn it."""
    result = process(jpeg(1200, 800, orientation=orientation), LIMITS)
    image = opened(result.variants[urls.photo_file(result.digest, result.widths[-1], "jpg")])
    if orientation in (6, 8):
        assert (result.width, result.height) == (800, 1200)  # turned upright
        red, blue = image.getpixel((image.width // 2, 5)), image.getpixel((image.width // 2, 1190))
        if top_colour == "blue":
            red, blue = blue, red
    else:
        left, right = image.getpixel((5, 400)), image.getpixel((1190, 400))
        red, blue = (left, right) if orientation == 1 else (right, left)
    assert red[0] > 150 and red[2] < 100, red
    assert blue[2] > 150 and blue[0] < 100, blue


def test_png_with_transparency_and_webp_are_accepted():
    transparent = picture(900, 600, "RGBA")
    result = process(encoded(transparent, "PNG"), LIMITS)
    corner = opened(result.variants[urls.photo_file(result.digest, 480, "jpg")]).getpixel((2, 2))
    assert min(corner) > 240  # transparency laid on white, not black
    assert process(encoded(picture(900, 600), "WEBP"), LIMITS).widths == (480, 900)


def test_heic_is_read_offline():
    result = process((DATA / "clinic.heic").read_bytes(), LIMITS)
    assert result.original_name.endswith(".heic")
    assert result.widths == (480, 640)
    image = opened(result.variants[urls.photo_file(result.digest, 640, "jpg")])
    assert image.size == (640, 427) and not image.getexif()


BAD_FILES = {
    "not an image": (b"%PDF-1.4 not a photo", "is not a JPEG, PNG, WebP or HEIC image"),
    "empty": (b"", "the file is empty"),
    "truncated": (jpeg()[:5000], "damaged or cut short"),
    "gif": (encoded(picture(600, 400).convert("P"), "GIF"), "is not a JPEG, PNG, WebP"),
    "too many pixels": (png_header(8000, 8000), "8000×8000 px; at most 50 megapixels"),
    "bomb": (png_header(40000, 40000), "at most 50 megapixels are accepted"),
    "too narrow": (jpeg(400, 300), "400 px wide; upload one at least 480 px wide"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_refused_with_a_clear_reason(name):
    data, message = BAD_FILES[name]
    with pytest.raises(PhotoRefused) as refused:
        process(data, LIMITS)
    assert message in str(refused.value)


def test_a_file_over_the_byte_limit_is_refused_before_decoding():
    data = jpeg()
    with pytest.raises(PhotoRefused, match=r"at most 0\.0 MB is accepted"):
        process(data, Limits(max_bytes=len(data) - 1, max_pixels=50_000_000))
    assert process(data, Limits(max_bytes=len(data), max_pixels=50_000_000)).widths


def test_pillow_bomb_limit_is_refused_too(monkeypatch):
    """Past Pillow's own limit the refusal is the same, whatever our cap."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(PhotoRefused, match="megapixels"):
        process(png_header(1500, 1000), LIMITS)


def test_alt_text_rules():
    assert photos.check_alt("  The  clinic entrance ") == ("The clinic entrance", None)
    assert "required" in photos.check_alt("   ")[1]
    assert "line break" in photos.check_alt("one\u2028two")[1]
    assert "keep it to 250" in photos.check_alt("x" * 251)[1]


def test_sitemap_lists_at_most_a_thousand_images_per_page():
    from seo.core.pages import location
    from seo.core.pages.model import Site

    many = tuple(
        photos.Photo(f"{n:020x}", "alt", 480, 320, (480,), main=n == 5) for n in range(1200)
    )
    given = location.Inputs(Site("https://x.example"), None, (), (), closure=None, photos=many)
    listed = location.KIND.images(given)
    assert len(listed) == photos.SITEMAP_IMAGES_PER_URL == 1000
    assert listed[0] == many[5].largest  # the main photo first
