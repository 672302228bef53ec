"""IndexNow notices as plain values: the key's shape, and URLs grouped into request bodies.

The protocol (https://www.indexnow.org/documentation): a POST of the JSON object
{"host", "key", "keyLocation", "urlList"} to an endpoint, all URLs of one host, and a text
file at keyLocation holding the key to prove the host is ours."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from seo.core import urls

URL_LIMIT = 10_000  # indexnow.org/documentation: up to 10,000 URLs per post
SHARED_ENDPOINT = "https://api.indexnow.org/indexnow"  # shares notices with every engine
KEY_RE = re.compile(r"[0-9a-fA-F]{8,128}")


def key_problem(key: str) -> str | None:
    """Why a value cannot be the IndexNow key, or None when it can."""
    if KEY_RE.fullmatch(key):
        return None
    shown = key if len(key) <= 40 else key[:40] + "..."  # quoted, control characters escaped
    return (
        f"INDEXNOW_KEY {json.dumps(shown)} ({len(key)} characters) is not 8 to 128 hexadecimal "
        "characters (0-9, a-f); make one with "
        '`python -c "import secrets; print(secrets.token_hex(16))"`, '
        "or unset INDEXNOW_KEY to turn IndexNow off"
    )


def endpoint_problem(endpoint: str) -> str | None:
    """Why a value cannot be the IndexNow endpoint, or None when it can."""
    parts = urlsplit(endpoint)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    return (
        f'INDEXNOW_ENDPOINT "{endpoint}" is not an http(s) URL; '
        f"leave it unset for the shared endpoint {SHARED_ENDPOINT}"
    )


@dataclass(frozen=True)
class Notice:
    """One request: up to `limit` URLs of one host, and the JSON body that announces them."""

    host: str
    urls: tuple[str, ...]
    body: dict


def notices(queued: Iterable[str], key: str, limit: int = URL_LIMIT) -> list[Notice]:
    """The requests announcing these absolute URLs: one per host, split every `limit` URLs."""
    if limit < 1:
        raise ValueError("at least one URL per request")
    by_host: dict[str, list[str]] = {}
    origins: dict[str, str] = {}
    for url in dict.fromkeys(queued):
        parts = urlsplit(url)
        host = parts.netloc.lower()
        by_host.setdefault(host, []).append(url)
        origins.setdefault(host, f"{parts.scheme}://{host}")
    found = []
    for host, listed in by_host.items():
        location = origins[host] + urls.indexnow_key_file(key)
        for start in range(0, len(listed), limit):
            chunk = tuple(listed[start : start + limit])
            body = {"host": host, "key": key, "keyLocation": location, "urlList": list(chunk)}
            found.append(Notice(host, chunk, body))
    return found
