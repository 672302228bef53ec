"""Security headers on every response and hardened session and remember-me cookies."""

from __future__ import annotations

from flask import Flask, Response, request

# Scripts, styles and images come from this origin only. The one inline <script> is the
# JSON-LD data block (type="application/ld+json"), which browsers never execute, so
# script-src needs no 'unsafe-inline'. frame-ancestors 'none' suits every page.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)
# A staff preview is framed by the editor beside it, on this origin only.
FRAMEABLE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors 'self'"
)
HSTS = "max-age=31536000"  # one year, in seconds (RFC 6797)
REFERRER_POLICY = "strict-origin-when-cross-origin"


def add_headers(response: Response, *, https: bool) -> Response:
    """Add the security headers, keeping any a view set itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if request.path == "/admin" or request.path.startswith("/admin/"):
        headers.setdefault("X-Frame-Options", "DENY")  # browsers without frame-ancestors
    if https:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def frameable(response: Response) -> Response:
    """Let pages of this origin (the article editor) frame this response, and no one else."""
    response.headers["Content-Security-Policy"] = FRAMEABLE_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def init_app(app: Flask) -> None:
    """Harden cookies (Secure when SITE_URL is https) and add headers to every response."""
    https = str(app.config.get("SITE_URL", "")).startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    if https:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        return add_headers(response, https=https)
