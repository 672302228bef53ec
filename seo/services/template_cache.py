"""Compiled templates kept on disk between processes (Jinja's bytecode cache), so a command
or a worker that starts does not compile again the templates the previous one compiled.

Jinja recompiles a template whose source changed. What else shapes the compiled code (our
template extensions, the catalogs they translate messages from at compile time, Jinja's
own version) is in each entry's key: the code version and the language."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from seo.services import site_settings

log = logging.getLogger(__name__)


class TemplateCache(FileSystemBytecodeCache):
    """Entries of one language under `folder`; one that can't be written is compiled again
    next time (logged once), never an error for the page."""

    def __init__(self, folder: Path, language: str):
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")
        self.language = language
        self._warned = False

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        salt = f"{jinja2.__version__}|{site_settings.render_version()}|{self.language}"
        return hashlib.sha256(f"{salt}|{name}|{filename}".encode()).hexdigest()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            if not self._warned:
                log.warning("compiled templates are not kept in %s: %s", self.directory, error)
                self._warned = True


def for_language(folder: str | None, language: str) -> TemplateCache | None:
    """The cache of one language's templates, or None when TEMPLATE_CACHE_DIR is empty or
    the folder can't be made (then templates are compiled in each process, as without it)."""
    if not folder:
        return None
    try:
        return TemplateCache(Path(folder), language)
    except OSError as error:
        log.warning("compiled templates are not kept in %s: %s", folder, error)
        return None
