"""The photo pipeline: an uploaded file -> checked, turned upright, stripped of metadata,
resized into WebP and JPEG variants. Everything happens in memory; nothing is written here."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from seo.core.photos import VARIANT_WIDTHS, scaled_height, variant_widths
from seo.core.urls import photo_file

try:  # HEIC/HEIF from iPhones, read offline by libheif inside the pinned pi-heif wheel
    import pi_heif

    pi_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - pi-heif is pinned in requirements.txt
    HEIF = False

# The decoders an upload may reach: never the rest of Pillow's formats (EPS, for one,
# would start Ghostscript).
DECODERS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"} | ({"HEIF": "heic"} if HEIF else {})
ACCEPTED = "JPEG, PNG, WebP" + (" or HEIC" if HEIF else "")
MIN_WIDTH = VARIANT_WIDTHS[0]  # narrower photos look blurred on a phone
JPEG_QUALITY = 82
WEBP_QUALITY = 80
SRGB = ImageCms.createProfile("sRGB")


class PhotoRefused(ValueError):
    """The file is not a photo we can publish; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int


@dataclass(frozen=True)
class Processed:
    """A checked photo: the original bytes and every variant, ready to be written."""

    digest: str
    original_name: str
    original: bytes
    width: int  # of the largest variant
    height: int
    widths: tuple[int, ...]
    variants: dict[str, bytes]  # file name -> bytes


def limits_from_app() -> Limits:
    config = current_app.config
    return Limits(config["MAX_PHOTO_BYTES"], config["MAX_PHOTO_PIXELS"])


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _open(data: bytes, limits: Limits) -> Image.Image:
    if not data:
        raise PhotoRefused("the file is empty: choose a photo")
    if len(data) > limits.max_bytes:
        raise PhotoRefused(
            f"the file is {_megabytes(len(data))}; at most {_megabytes(limits.max_bytes)} "
            "is accepted: export it smaller (a 1600 px wide JPEG is plenty)"
        )
    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own pixel limit: both are refusals here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(DECODERS))
        except UnidentifiedImageError:
            raise PhotoRefused(f"the file is not a {ACCEPTED} image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRefused(_too_many_pixels(None, limits)) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise PhotoRefused(_damaged()) from None
    pixels = image.width * image.height
    if pixels > limits.max_pixels:  # checked from the header, before decoding a pixel
        raise PhotoRefused(_too_many_pixels(image, limits))
    return image


def _too_many_pixels(image: Image.Image | None, limits: Limits) -> str:
    size = f"is {image.width}×{image.height} px" if image is not None else "has too many pixels"
    return (
        f"the image {size}; at most {limits.max_pixels / 1e6:.0f} megapixels are accepted: "
        "scale it down first"
    )


def _damaged() -> str:
    return "the file is damaged or cut short; export or download it again"


def _decode(image: Image.Image) -> Image.Image:
    """Decode, turn upright (EXIF orientation), convert to sRGB without alpha, and drop
    every piece of metadata (EXIF with GPS, XMP, comments, ICC profile)."""
    if image.format == "JPEG":
        # Let the decoder scale by 1/2, 1/4 or 1/8 while the result stays wider than the
        # largest variant on both sides: a 24-megapixel photo decodes at a quarter of the
        # pixels.
        side = VARIANT_WIDTHS[-1]
        image.draft("RGB", (side, side))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning):
        raise PhotoRefused(_damaged()) from None
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: keep the pixels as they are
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.info = {}
    return image


def process(data: bytes, limits: Limits) -> Processed:
    """Check an uploaded file and make its variants; raise PhotoRefused for a bad file."""
    image = _open(data, limits)
    extension = DECODERS[image.format]
    image = _decode(image)
    if image.width < MIN_WIDTH:
        raise PhotoRefused(
            f"the photo is {image.width} px wide; upload one at least {MIN_WIDTH} px wide"
        )
    digest = hashlib.sha256(data).hexdigest()[:20]
    widths = variant_widths(image.width)
    variants: dict[str, bytes] = {}
    current = image
    for width in reversed(widths):  # each variant from the next larger one
        size = (width, scaled_height(image.width, image.height, width))
        if current.size != size:
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        current.info = {}
        variants[photo_file(digest, width, "jpg")] = _encode(
            current, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
        variants[photo_file(digest, width, "webp")] = _encode(
            current, "WEBP", quality=WEBP_QUALITY, method=3
        )
    largest = (widths[-1], scaled_height(image.width, image.height, widths[-1]))
    return Processed(
        digest=digest,
        original_name=f"{digest}.{extension}",
        original=data,
        width=largest[0],
        height=largest[1],
        widths=widths,
        variants=variants,
    )


def _encode(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()
