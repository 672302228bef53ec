"""The media folder: photo variants (served at /media/photos/) and uploaded originals (never
served: they keep the camera's metadata)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import current_app

PHOTOS = "photos"
ORIGINALS = "originals"


class MediaStore:
    """Files named by content hash: writing one that exists is a no-op, and a reader never
    sees half a file (each is written beside its place and renamed into it)."""

    def __init__(self, root: Path):
        self.root = root
        self.photos = root / PHOTOS
        self.originals = root / ORIGINALS

    def variant(self, name: str) -> Path:
        return self.photos / name

    def write(self, folder: Path, files: Mapping[str, bytes]) -> list[Path]:
        """Write files that are not there yet; return the paths written."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in files.items():
            target = folder / name
            if target.exists():
                continue
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.chmod(temporary, 0o644)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            written.append(target)
        return written

    def remove(self, paths: Iterable[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    def copy_variants(self, names: Iterable[str], target: Path) -> int:
        """Put variant files into a static build: hard links where the disk allows."""
        target.mkdir(parents=True, exist_ok=True)
        count = 0
        for name in names:
            source, copy = self.variant(name), target / name
            if copy.exists() or not source.exists():
                continue
            try:
                os.link(source, copy)
            except OSError:
                shutil.copyfile(source, copy)
            count += 1
        return count


def current() -> MediaStore:
    """The media folder the app is configured with (MEDIA_DIR)."""
    return MediaStore(Path(current_app.config["MEDIA_DIR"]))
