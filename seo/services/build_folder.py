"""The folder a static build is published in: refused unless it is ours, flipped atomically
or updated in place behind a journal.

OUTDIR is a symbolic link to one finished build in `.OUTDIR.builds/<id>`, beside it. A cold
build is written to a fresh folder there and published by replacing the link in one rename,
so a web server reading OUTDIR sees the old build or the new one, never a mix or nothing.

A rebuild after an edit changes the linked build in place: every new file is first written
whole into `.OUTDIR.builds/journal/`, then a plan naming each file's place is committed by one
rename, then each file is moved into place by one rename (a reader sees each file's old
bytes or its new bytes, never a part). A run stopped before the plan's rename is rolled back
by the next run, one stopped after it is rolled forward, under the build lock."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

MANIFEST = ".manifest.json"
LOCK = ".lock"
JOURNAL = "journal"
PLAN = "plan.json"
TRASH = ".trash-"  # what a detached process is deleting
FORMAT = 5  # a manifest of another format (an older one) means a cold build


@dataclass
class BuildReport:
    """What one run did to the folder."""

    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.pages} pages: {self.written} written, {self.unchanged} unchanged, "
            f"{self.removed} removed in {self.seconds:.1f} s"
        )


class OutdirRefused(Exception):
    """OUTDIR holds something that is not a previous build: it is left untouched."""


def _is_build(folder: Path) -> bool:
    """A previous build carries a readable manifest."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict)


def read_manifest(root: Path) -> dict:
    """What the build in root was made from; {} for none that can be updated in place."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else {}


def _holds_current_folder(out: Path) -> bool:
    try:
        here = Path.cwd()
    except OSError:  # the current folder was deleted already: nothing to protect
        return False
    real = out.resolve()
    return here == real or real in here.parents


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
        current = self.current()
        if current is not None:
            recover(self.store / JOURNAL, current)
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
        """Refuse an OUTDIR that is not missing, empty, or a previous build, and one that
        holds the current folder or lies in a store of builds."""
        out = self.outdir
        if out.parent.name.startswith(".") and out.parent.name.endswith(".builds"):
            raise OutdirRefused(
                f"{out} is inside a store of builds; build into the link beside the store"
            )
        if out.is_symlink():
            if not self._ours(out):
                raise OutdirRefused(
                    f"{out} is a symbolic link that seo build did not make; "
                    "choose a new or empty folder"
                )
        elif out.exists():
            if not out.is_dir():
                raise OutdirRefused(f"{out} is a file, not a folder; choose a new or empty folder")
            if any(out.iterdir()) and not _is_build(out):
                raise OutdirRefused(
                    f"{out} is not empty and is not a previous build (it has no {MANIFEST}); "
                    "refusing to replace it: choose a new or empty folder"
                )
        if _holds_current_folder(out):
            raise OutdirRefused(
                f"{out} holds the current folder, which the build would replace: "
                "run seo build from another folder or choose another OUTDIR"
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
        """Hand what killed or replaced builds left in the store to a detached process that
        deletes it (we hold the lock): no build waits while a whole tree is deleted."""
        current = self.current()
        doomed = []
        for entry in self.store.iterdir():
            if entry.name in (LOCK, JOURNAL) or entry == current:
                continue
            if not entry.name.startswith(TRASH):
                target = self.store / f"{TRASH}{entry.name}"
                if not target.exists():  # else an earlier name: it goes as it is
                    entry = entry.rename(target)
            doomed.append(str(entry))
        if doomed:
            # The shell starts rm in the background and exits at once: rm, in a session of
            # its own, goes on after this process ends or is interrupted.
            subprocess.run(
                ["sh", "-c", 'rm -rf -- "$@" >/dev/null 2>&1 &', "sh", *doomed],
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                check=True,
            )

    def journal(self, build: Path) -> Journal:
        """A journal to change `build` (the current build) in place."""
        return Journal(self.store / JOURNAL, build)

    def start(self) -> Path:
        """A new, empty folder to write the next build into."""
        folder = self.store / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.time_ns()}"
        folder.mkdir()
        return folder

    def publish(self, build: Path) -> None:
        """Point OUTDIR at a finished build in one rename.

        The build it replaces stays in the store until the next build starts (which has a
        detached process delete it), so a reader
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


class Journal:
    """Files to put into a build and files to remove from it, applied all or nothing."""

    def __init__(self, folder: Path, root: Path):
        self.folder, self.root = folder, root
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        self.writes: list[tuple[str, str]] = []  # (staged name, place in the build)
        self.deletes: list[str] = []

    def _place(self, target: Path) -> str:
        place = target.relative_to(self.root).as_posix()
        if place.startswith("..") or place.startswith(f"{JOURNAL}/"):
            raise ValueError(f"{target} is outside the build folder")
        return place

    def write(self, target: Path, data: bytes) -> None:
        name = str(len(self.writes))
        (self.folder / name).write_bytes(data)
        self.writes.append((name, self._place(target)))

    def delete(self, target: Path) -> None:
        self.deletes.append(self._place(target))

    def commit(self) -> None:
        """Commit the plan in one rename, then apply it."""
        staged = self.folder / f"{PLAN}.tmp"
        with open(staged, "w", encoding="utf-8") as handle:
            json.dump({"writes": self.writes, "deletes": self.deletes}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staged, self.folder / PLAN)
        recover(self.folder, self.root)

    def abandon(self) -> None:
        """Drop an uncommitted journal: the build stays as it was."""
        if not (self.folder / PLAN).exists():
            shutil.rmtree(self.folder, ignore_errors=True)


def recover(folder: Path, root: Path) -> None:
    """Finish a committed journal (roll forward) or drop an uncommitted one (roll back)."""
    if not folder.is_dir():
        return
    try:
        plan = json.loads((folder / PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shutil.rmtree(folder, ignore_errors=True)
        return
    for name, place in plan["writes"]:
        staged = folder / name
        if staged.exists():  # not moved yet
            target = root / place
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    for place in plan["deletes"]:
        target = root / place
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != root and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    shutil.rmtree(folder, ignore_errors=True)
