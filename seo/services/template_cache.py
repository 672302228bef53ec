"""Compiled templates kept on disk between processes (Jinja's bytecode cache), so a command
or a worker that starts does not compile again the templates the previous one compiled.

Jinja recompiles a template whose source changed. What else shapes the compiled code is in
where an entry is kept: a folder per code version (our template extensions, Jinja's own
version; the folders of other versions are deleted when a new one is made) and, in each
entry's key, the language and a digest of its catalog (messages are translated as a
template is compiled)."""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from seo.core.interface import Interface
from seo.services import site_settings

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _version_folder(folder: str) -> Path:
    """This code version's folder under `folder`, made on first use; other versions' go."""
    root = Path(folder)
    current = root / f"jinja-{jinja2.__version__}-{site_settings.render_version()}"
    current.mkdir(parents=True, exist_ok=True)
    for other in root.iterdir():
        if other != current and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    return current


class TemplateCache(FileSystemBytecodeCache):
    """The entries of one language's templates (`variant`: its code and catalog digest).
    Nothing is read or made before the first template is loaded; a folder that can't be
    made or written leaves templates compiled in each process (logged once), never an
    error for the page."""

    def __init__(self, folder: str, variant: str):
        self.folder, self.variant = folder, variant
        self.pattern = "%s.jinja"
        self._warned = False

    @functools.cached_property
    def directory(self) -> str:  # type: ignore[override]
        return str(_version_folder(self.folder))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.variant}|{name}|{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError as error:
            self._warn(error)

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            self._warn(error)

    def _warn(self, error: OSError) -> None:
        if not self._warned:
            log.warning("compiled templates are not kept in %s: %s", self.folder, error)
            self._warned = True


def for_language(folder: str | None, ui: Interface) -> TemplateCache | None:
    """The cache of the templates of a language's interface (its messages are compiled into
    them); None when TEMPLATE_CACHE_DIR is empty (then templates are compiled in each
    process)."""
    return TemplateCache(folder, f"{ui.language}-{ui.version}") if folder else None
