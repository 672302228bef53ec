"""Clinic photos as pages see them: the variants made of each, and the alt text rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from seo.core import urls
from seo.core.locations import cell_problem

VARIANT_WIDTHS = (480, 960, 1600)  # px: a phone, a phone at 2x or a tablet, a wide screen
FORMATS = ("webp", "jpg")  # WebP for browsers that take it, JPEG for every other reader
ALT_MAX = 250  # characters: screen readers read it whole; search engines show about this
PHOTOS_PER_LOCATION = 30
# Google's image sitemap extension: at most 1,000 <image:image> entries per <url>.
SITEMAP_IMAGES_PER_URL = 1_000


@dataclass(frozen=True)
class Photo:
    """One photo of a clinic: the hash naming its files, its alt text and its variants."""

    digest: str
    alt: str
    width: int  # of the largest variant, in px
    height: int
    widths: tuple[int, ...]  # the variant widths made, ascending
    main: bool = False

    def path(self, width: int, extension: str) -> str:
        return urls.photo(self.digest, width, extension)

    def files(self) -> list[str]:
        """The file name of every variant."""
        return [urls.photo_file(self.digest, w, ext) for w in self.widths for ext in FORMATS]

    @property
    def largest(self) -> str:
        """The path of the largest JPEG: what JSON-LD and sitemaps name."""
        return self.path(self.widths[-1], "jpg")


@dataclass(frozen=True)
class PhotoView:
    """What a template needs to show one photo responsively."""

    src: str
    srcset: str
    webp_srcset: str
    width: int
    height: int
    alt: str


def variant_widths(width: int) -> tuple[int, ...]:
    """The widths to make of an image `width` px wide: never wider than the image itself."""
    top = min(width, VARIANT_WIDTHS[-1])
    return (*(w for w in VARIANT_WIDTHS if w < top), top)


def files_named_in(text: str) -> set[str]:
    """Every variant file of the photos a page names: a page names some of a photo's
    variants (its largest JPEG, its main photo's srcset), and the largest width tells the
    rest (variant_widths)."""
    tops: dict[str, int] = {}
    for digest, width in urls.PHOTO_PATH_RE.findall(text):
        tops[digest] = max(tops.get(digest, 0), int(width))
    return {
        urls.photo_file(digest, width, extension)
        for digest, top in tops.items()
        for width in variant_widths(top)
        for extension in FORMATS
    }


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def view(photo: Photo) -> PhotoView:
    def srcset(extension: str) -> str:
        return ", ".join(f"{photo.path(w, extension)} {w}w" for w in photo.widths)

    middle = photo.widths[min(1, len(photo.widths) - 1)]
    return PhotoView(
        src=photo.path(middle, "jpg"),
        srcset=srcset("jpg"),
        webp_srcset=srcset("webp"),
        width=photo.width,
        height=photo.height,
        alt=photo.alt,
    )


def main_photo(photos: Sequence[Photo]) -> Photo | None:
    """The photo staff marked as the main one (the first, when none is marked)."""
    return next((p for p in photos if p.main), photos[0] if photos else None)


def in_order(photos: Sequence[Photo]) -> tuple[Photo, ...]:
    """The main photo first, then the others in the order staff gave them."""
    main = main_photo(photos)
    return tuple([main] + [p for p in photos if p is not main]) if main else ()


def sitemap_paths(photos: Sequence[Photo]) -> tuple[str, ...]:
    """The images a page showing a clinic's photos lists in its sitemap entry: the same
    images, in the same order, as its clinic's JSON-LD `image`."""
    return tuple(p.largest for p in in_order(photos)[:SITEMAP_IMAGES_PER_URL])


def check_alt(text: str) -> tuple[str, str | None]:
    """The alt text as stored (spaces collapsed), or the reason it is refused."""
    problem = cell_problem(text)
    value = " ".join(text.split())
    if problem:
        return value, problem
    if not value:
        return value, "describe the photo for people who cannot see it (alt text is required)"
    if len(value) > ALT_MAX:
        return value, f"is {len(value)} characters; keep it to {ALT_MAX}"
    return value, None
