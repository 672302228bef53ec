"""Photos made by the tests themselves: plain pictures, camera metadata, crafted headers."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

ORIENTATION = 0x0112
GPS_IFD = 0x8825
# What a phone writes: where the picture was taken, to the metre.
GPS = {1: "N", 2: (38.0, 47.0, 21.12), 3: "W", 4: (90.0, 19.0, 21.36)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="38,47.352N"/></rdf:RDF></x:xmpmeta>'
)


def picture(width: int = 2000, height: int = 1333, mode: str = "RGB") -> Image.Image:
    """A picture whose left half is red and right half is blue (to see orientation)."""
    image = Image.new(mode, (width, height), (200, 30, 30) if mode != "RGBA" else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([width // 2, 0, width, height], fill=(30, 30, 200))
    return image


def jpeg(
    width: int = 2000,
    height: int = 1333,
    *,
    orientation: int | None = None,
    gps: bool = False,
    xmp: bool = False,
    quality: int = 85,
) -> bytes:
    image = picture(width, height)
    exif = Image.Exif()
    exif[0x010F] = "Test Phone Maker"
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update(GPS)
    out = io.BytesIO()
    options = {"exif": exif, "comment": b"taken at home"}
    if xmp:
        options["xmp"] = XMP
    image.save(out, "JPEG", quality=quality, **options)
    return out.getvalue()


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds no pixels: what a decompression bomb looks like
    before it is decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
