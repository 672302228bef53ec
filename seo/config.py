"""Configuration defaults, read from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from seo.core import indexnow, rates, urls


class ConfigError(ValueError):
    """A setting the app cannot start with; the message says which and how to fix it."""


def secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def site_url() -> str:
    """SITE_URL, or the local origin on the port served (PORT, 5000 by default)."""
    if os.environ.get("SITE_URL"):
        return os.environ["SITE_URL"].rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"


def defaults(instance_path: str) -> dict:
    """Settings from the environment, with local defaults."""
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'seo.sqlite'}"
    return {
        "DATABASE_URL": database,
        "SITE_URL": site_url(),
        "BRAND_NAME": os.environ.get("BRAND_NAME", "Gateway Pain Relief"),
        # The default language: its pages keep the unprefixed paths (docs/LANGUAGES.md).
        "SITE_LANGUAGE": os.environ.get("SITE_LANGUAGE") or "en",
        "CONTENT_DIR": str(Path(__file__).resolve().parent.parent / "content"),
        # Interface text: one folder per language, <code>/LC_MESSAGES/messages.po.
        "TRANSLATIONS_DIR": str(Path(__file__).resolve().parent / "translations"),
        "LOCATIONS_CSV": str(Path(__file__).resolve().parent.parent / "locations.csv"),
        # A request body (an uploaded locations file with its form) over this answers 413.
        "MAX_CONTENT_LENGTH": int(float(os.environ.get("MAX_UPLOAD_MB") or 20) * 1024 * 1024),
        # Clinic photos: variants served at /media/photos/, originals kept beside them.
        "MEDIA_DIR": os.environ.get("MEDIA_DIR") or str(Path(instance_path) / "media"),
        # Compiled templates kept between processes; empty: compiled in each process.
        "TEMPLATE_CACHE_DIR": os.environ.get(
            "TEMPLATE_CACHE_DIR", str(Path(instance_path) / "template-cache")
        ),
        "MAX_PHOTO_BYTES": int(float(os.environ.get("MAX_PHOTO_MB") or 15) * 1024 * 1024),
        # Checked from the file's header before decoding: a decompression bomb stops here.
        "MAX_PHOTO_PIXELS": int(float(os.environ.get("MAX_PHOTO_MEGAPIXELS") or 50) * 1e6),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # CSRF stays on in tests too: the tests sign in through the real form.
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a working day on one form
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        # Appointment requests: a per-address limit, and email to staff when SMTP is set.
        "APPOINTMENT_RATE_LIMIT": os.environ.get("APPOINTMENT_RATE_LIMIT", "5 per hour"),
        # Store locator searches (/locations/?q=...) allowed per visitor address.
        "LOCATOR_RATE_LIMIT": os.environ.get("LOCATOR_RATE_LIMIT", "30 per minute"),
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT") or 25),
        "SMTP_FROM": os.environ.get("SMTP_FROM") or None,
        "NOTIFY_TO": os.environ.get("NOTIFY_TO") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Proxies in front of the app (nginx: 1). 0 believes no X-Forwarded-* header.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES") or 0),
        # Request-limit counters in Redis are named "<prefix>:limits:..."
        "RATE_LIMIT_PREFIX": os.environ.get("RATE_LIMIT_PREFIX") or "seo",
        # IndexNow notices of changed pages are queued only while a key is set.
        "INDEXNOW_KEY": os.environ.get("INDEXNOW_KEY") or None,
        "INDEXNOW_ENDPOINT": os.environ.get("INDEXNOW_ENDPOINT") or indexnow.SHARED_ENDPOINT,
    }


# Request limits per client address (seo.web.limits), each read as a rate when the app starts.
RATE_SETTINGS = ("LOGIN_RATE_LIMIT", "APPOINTMENT_RATE_LIMIT", "LOCATOR_RATE_LIMIT")


def check(config) -> None:
    """Refuse settings the app cannot run with (raise ConfigError), before it starts."""
    key = config.get("INDEXNOW_KEY")
    problem = indexnow.key_problem(key) if key else None
    problem = problem or indexnow.endpoint_problem(config["INDEXNOW_ENDPOINT"])
    if not urls.is_language_code(config["SITE_LANGUAGE"]):
        problem = f"SITE_LANGUAGE={config['SITE_LANGUAGE']!r} is not a two-letter code such as en"
    for setting in RATE_SETTINGS:
        try:
            rates.parse(config[setting])
        except rates.RateError as error:
            problem = problem or f"{setting}: {error}"
    if problem:
        raise ConfigError(problem)
