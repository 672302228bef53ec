"""The folder a static build is published in: refused unless it is ours, flipped atomically.

OUTDIR is a symbolic link to one finished build in `.OUTDIR.builds/<id>`, beside it. A new
build is written to a fresh folder there and published by replacing the link in one rename,
so a web server reading OUTDIR sees the old build or the new one, never a mix or nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from pathlib import Path
from types import TracebackType

MANIFEST = ".manifest.json"
LOCK = ".lock"


class OutdirRefused(Exception):
    """OUTDIR holds something that is not a previous build: it is left untouched."""


def _is_build(folder: Path) -> bool:
    """A previous build carries a readable manifest."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict)


class BuildFolder:
    """OUTDIR and its store of builds, locked against a second build for the whole run."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.store = outdir.parent / f".{outdir.name}.builds"
        self._lock: int | None = None

    def __enter__(self) -> BuildFolder:
        self.check()
        self.store.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.store / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise OutdirRefused(
                f"{self.outdir}: another build is writing it; try again later"
            ) from None
        self.remove_leftovers()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def check(self) -> None:
        """Refuse an OUTDIR that is not missing, empty, or a previous build."""
        out = self.outdir
        if out.is_symlink():
            if not self._ours(out):
                raise OutdirRefused(
                    f"{out} is a symbolic link that seo build did not make; "
                    "choose a new or empty folder"
                )
            return
        if not out.exists():
            return
        if not out.is_dir():
            raise OutdirRefused(f"{out} is a file, not a folder; choose a new or empty folder")
        if any(out.iterdir()) and not _is_build(out):
            raise OutdirRefused(
                f"{out} is not empty and is not a previous build (it has no {MANIFEST}); "
                "refusing to replace it: choose a new or empty folder"
            )

    def _ours(self, link: Path) -> bool:
        target = Path(os.readlink(link))
        return target.parent == Path(self.store.name) and target.name != LOCK

    def current(self) -> Path | None:
        """The folder of the build OUTDIR shows now, if any."""
        out = self.outdir
        if out.is_symlink():
            target = out.parent / os.readlink(out)
            return target if target.is_dir() else None
        return out if out.is_dir() and _is_build(out) else None

    def remove_leftovers(self) -> None:
        """Remove what killed or replaced builds left in the store (we hold the lock)."""
        current = self.current()
        for entry in self.store.iterdir():
            if entry.name == LOCK or entry == current:
                continue
            if entry.is_symlink() or entry.is_file():
                entry.unlink()
            else:
                shutil.rmtree(entry, ignore_errors=True)

    def start(self) -> Path:
        """A new, empty folder to write the next build into."""
        folder = self.store / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.time_ns()}"
        folder.mkdir()
        return folder

    def publish(self, build: Path) -> None:
        """Point OUTDIR at a finished build in one rename.

        The build it replaces stays in the store until the next build starts, so a reader
        that resolved the old link a moment ago still finds its files."""
        out = self.outdir
        if out.is_dir() and not out.is_symlink():
            # An empty folder, or a build from before builds were kept in the store: a
            # folder cannot be swapped for a link in one rename, so this once moves it aside.
            out.rename(self.store / f"replaced-{os.getpid()}")
        link = self.store / f"link-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(Path(self.store.name) / build.name)
        os.replace(link, out)
