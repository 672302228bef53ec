"""Draw the demo clinic photos into content/photos/ (committed; `seo init` loads them).

Simple illustrations drawn with Pillow, so the demo owns every pixel it ships.
Run: .venv/bin/python scripts/clinic_photos.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "content" / "photos"
SIZE = (1600, 1067)  # 3:2, as cameras take them
TEAL, INK, CREAM = (11, 110, 105), (27, 42, 51), (248, 247, 243)

PHOTOS = [
    (
        "florissant-mo",
        "florissant-front.jpg",
        "Front of Gateway Pain Relief Florissant: a one-storey clinic with a teal awning, "
        "glass doors and a ramp beside the steps",
    ),
    (
        "florissant-mo",
        "florissant-waiting-room.jpg",
        "The Florissant waiting room, with armchairs by a wide window and the reception "
        "desk on the right",
    ),
    (
        "st-louis-mo",
        "st-louis-front.jpg",
        "Gateway Pain Relief St. Louis on Lindell Boulevard: a red-brick office building "
        "with the clinic sign above the entrance",
    ),
]


def font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def sky(draw: ImageDraw.ImageDraw, height: int, top=(150, 196, 230), bottom=(222, 238, 247)):
    for y in range(height):
        t = y / max(1, height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)


def tree(draw: ImageDraw.ImageDraw, x: int, ground: int, scale: float = 1.0) -> None:
    trunk = int(24 * scale)
    draw.rectangle(
        [x - trunk // 2, ground - int(160 * scale), x + trunk // 2, ground], fill=(96, 70, 48)
    )
    for dx, dy, r in ((0, 230, 110), (-70, 170, 85), (70, 170, 85), (0, 120, 90)):
        cx, cy, rr = x + int(dx * scale), ground - int(dy * scale), int(r * scale)
        draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=(58, 122, 72))


def florissant_front() -> Image.Image:
    image = Image.new("RGB", SIZE, CREAM)
    draw = ImageDraw.Draw(image)
    ground = 820
    sky(draw, ground)
    draw.rectangle([0, ground, SIZE[0], SIZE[1]], fill=(132, 170, 98))  # lawn
    draw.polygon(
        [(640, ground), (960, ground), (1120, SIZE[1]), (480, SIZE[1])], fill=(196, 190, 178)
    )
    draw.rectangle([260, 360, 1340, ground], fill=(232, 222, 204))  # building
    draw.rectangle([240, 330, 1360, 372], fill=(120, 118, 112))  # roof edge
    draw.rectangle([560, 400, 1040, 470], fill=TEAL)  # sign band
    draw.text((800, 435), "GATEWAY PAIN RELIEF", font=font(44), fill="white", anchor="mm")
    draw.polygon([(600, 500), (1000, 500), (1040, 560), (560, 560)], fill=TEAL)  # awning
    for x in (660, 802):
        draw.rectangle(
            [x, 570, x + 138, ground - 40], fill=(170, 205, 215), outline=(90, 96, 100), width=6
        )
    for x in (320, 1120):
        draw.rectangle([x, 520, x + 180, 690], fill=(170, 205, 215), outline=(90, 96, 100), width=8)
        draw.line([(x + 90, 520), (x + 90, 690)], fill=(90, 96, 100), width=6)
    for step in range(3):  # steps and a ramp
        y = ground - 40 + step * 14
        draw.rectangle([630 - step * 12, y, 970 + step * 12, y + 14], fill=(170, 166, 158))
    draw.polygon([(970, ground - 40), (1240, ground), (970, ground)], fill=(160, 156, 148))
    draw.line([(975, ground - 70), (1240, ground - 30)], fill=(80, 84, 88), width=6)
    tree(draw, 150, ground + 10, 1.1)
    tree(draw, 1470, ground + 10, 1.0)
    return image


def waiting_room() -> Image.Image:
    image = Image.new("RGB", SIZE, (236, 230, 218))
    draw = ImageDraw.Draw(image)
    floor = 760
    draw.rectangle([0, floor, SIZE[0], SIZE[1]], fill=(176, 140, 104))  # wooden floor
    for x in range(0, SIZE[0], 120):
        draw.line([(x, floor), (x - 200, SIZE[1])], fill=(160, 126, 92), width=3)
    draw.rectangle([120, 160, 860, 600], fill=(190, 222, 236), outline=(250, 250, 250), width=18)
    draw.line([(490, 160), (490, 600)], fill=(250, 250, 250), width=14)
    tree(draw, 300, 600, 0.8)
    for x in (160, 400, 640):  # armchairs
        draw.rounded_rectangle([x, 600, x + 200, 700], radius=24, fill=TEAL)
        draw.rounded_rectangle([x, 520, x + 200, 620], radius=24, fill=(20, 128, 122))
        draw.rectangle([x + 12, 700, x + 30, floor + 20], fill=(70, 60, 50))
        draw.rectangle([x + 170, 700, x + 188, floor + 20], fill=(70, 60, 50))
    draw.rectangle(
        [1040, 480, 1520, floor + 40], fill=(242, 240, 234), outline=(180, 170, 150), width=6
    )
    draw.rectangle([1020, 460, 1540, 500], fill=(120, 96, 72))  # desk top
    draw.text((1280, 600), "Reception", font=font(48), fill=INK, anchor="mm")
    draw.rounded_rectangle([1180, 140, 1380, 200], radius=12, fill=TEAL)
    draw.ellipse([920, 640, 1000, 720], fill=(120, 96, 72))  # side table
    draw.rectangle([955, 700, 965, floor + 30], fill=(90, 72, 56))
    return image


def st_louis_front() -> Image.Image:
    image = Image.new("RGB", SIZE, CREAM)
    draw = ImageDraw.Draw(image)
    ground = 900
    sky(draw, ground, top=(120, 170, 214))
    draw.rectangle([0, ground, SIZE[0], SIZE[1]], fill=(150, 148, 142))  # pavement
    draw.rectangle([300, 120, 1300, ground], fill=(160, 74, 58))  # brick
    for y in range(140, ground, 36):
        draw.line([(300, y), (1300, y)], fill=(146, 66, 52), width=3)
    for row in range(4):
        for col in range(6):
            x, y = 350 + col * 158, 170 + row * 130
            draw.rectangle(
                [x, y, x + 100, y + 90], fill=(196, 220, 232), outline=(236, 232, 222), width=8
            )
    draw.rectangle([560, 700, 1040, 760], fill=TEAL)
    draw.text((800, 730), "GATEWAY PAIN RELIEF", font=font(40), fill="white", anchor="mm")
    draw.rectangle([700, 770, 900, ground], fill=(60, 70, 76))
    draw.rectangle([712, 782, 796, ground], fill=(170, 205, 215))
    draw.rectangle([804, 782, 888, ground], fill=(170, 205, 215))
    tree(draw, 160, ground, 1.2)
    tree(draw, 1450, ground, 1.1)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    drawings = {
        "florissant-front.jpg": florissant_front,
        "florissant-waiting-room.jpg": waiting_room,
        "st-louis-front.jpg": st_louis_front,
    }
    for _slug, name, _alt in PHOTOS:
        drawings[name]().save(OUT / name, "JPEG", quality=86, optimize=True, progressive=True)
    with open(OUT / "photos.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["slug", "file", "alt"])
        writer.writerows(PHOTOS)
    print(f"wrote {len(PHOTOS)} photos to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
