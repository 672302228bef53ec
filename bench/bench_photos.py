"""Time and peak memory of the photo pipeline on a 24-megapixel upload.

    cd bench && ../.venv/bin/python bench_photos.py [--runs 3]

Makes a 6000x4000 JPEG (noise over gradients, so it compresses like a photo, with EXIF
orientation and GPS tags), then measures in fresh processes, each run alternating:

- reference: Pillow only decoding the file (Image.open + load), nothing else;
- pipeline: `seo.services.images.process`, what an upload goes through (checks, decode at
  reduced scale, orientation, sRGB, 1600/960/480 px variants in WebP and JPEG);
- pipeline without draft decoding: the same with the JPEG decoder's scaling switched off,
  to show what it saves.

Peak memory is the process's ru_maxrss after the work, minus its maxrss after imports
(the interpreter, Flask, Pillow). The machine's speed drifts, so each pipeline time is
given as a ratio to the reference measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
from pathlib import Path
from PIL import Image
from seo.services import images
mode, path = sys.argv[1], sys.argv[2]
data = Path(path).read_bytes()
if mode == "nodraft":
    from PIL import JpegImagePlugin
    JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if mode == "reference":
    import io
    image = Image.open(io.BytesIO(data))
    image.load()
    outcome = f"{image.size[0]}x{image.size[1]} decoded"
else:
    done = images.process(data, images.Limits(max_bytes=50 * 2**20, max_pixels=50_000_000))
    outcome = f"{len(done.variants)} variants, {sum(map(len, done.variants.values()))} bytes"
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "extra_mb": (peak - base) / 1024,
                  "base_mb": base / 1024, "outcome": outcome}))
"""


def make_photo(path: str) -> None:
    from PIL import Image

    size = (6000, 4000)
    noise = Image.effect_noise(size, 48)
    red = Image.linear_gradient("L").resize(size)
    blue = red.transpose(Image.Transpose.ROTATE_90).resize(size)
    green = Image.blend(noise, red, 0.5)
    photo = Image.merge("RGB", (Image.blend(red, noise, 0.4), green, Image.blend(blue, noise, 0.4)))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways, as phones do
    exif.get_ifd(0x8825).update({1: "N", 2: (38.0, 47.0, 21.0), 3: "W", 4: (90.0, 19.0, 21.0)})
    photo.save(path, "JPEG", quality=90, exif=exif)


def measure(mode: str, path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "24mp.jpg"
        # Drawn in a child process: a process started later would inherit this one's peak
        # in its ru_maxrss.
        subprocess.run(
            [sys.executable, "-c", f"import bench_photos; bench_photos.make_photo({str(path)!r})"],
            cwd=Path(__file__).parent,
            check=True,
        )
        print(f"upload: 6000x4000 JPEG, {path.stat().st_size / 2**20:.1f} MB")
        modes = ("reference", "pipeline", "nodraft")
        runs: dict[str, list[dict]] = {m: [] for m in modes}
        for _ in range(args.runs):
            for mode in modes:
                runs[mode].append(measure(mode, path))
    reference = statistics.median(r["seconds"] for r in runs["reference"])
    print(f"baseline process (interpreter and imports): {runs['reference'][0]['base_mb']:.0f} MB")
    print(f"{'':34} {'median s':>9} {'ratio':>6} {'peak MB':>8}  result")
    names = {
        "reference": "Pillow decode only (reference)",
        "pipeline": "pipeline",
        "nodraft": "pipeline without draft decoding",
    }
    for mode in modes:
        seconds = statistics.median(r["seconds"] for r in runs[mode])
        peak = max(r["extra_mb"] for r in runs[mode])
        print(
            f"{names[mode]:34} {seconds:9.2f} {seconds / reference:6.2f} {peak:8.0f}  "
            f"{runs[mode][0]['outcome']}"
        )


if __name__ == "__main__":
    main()
