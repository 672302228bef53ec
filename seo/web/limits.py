"""Request limits per client address on the views that need one (sign-in, appointment
requests, locator searches), counted where every worker and instance sees the same counts.

A view is limited by decorating it: `@limited("LOGIN_RATE_LIMIT", methods={"POST"})`. The
limit is read from the app's settings on each request, so tests and operators can change it.
Over the limit, the view is not run and the request is answered 429 by the error handler
of the view's blueprint (the app's visitor page otherwise). Nothing runs on other routes:
public pages pay no cost for it.

When the counters fail (Redis down), the request goes through and the failure is logged: an
outage must not stop staff signing in or visitors asking for an appointment. Account
lockout (seo.web.admin.auth) still holds then."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, current_app, make_response, request

from seo.core import rates
from seo.store.counters import Counters, DatabaseCounters, RedisCounters
from seo.store.db import engine_of

log = logging.getLogger(__name__)

EXTENSION = "seo.limits"


def init_app(app: Flask) -> None:
    """Count in Redis when REDIS_URL is set, else in the app's database."""
    if app.config.get("REDIS_URL"):
        counters: Counters = RedisCounters(app.config["REDIS_URL"], app.config["RATE_LIMIT_PREFIX"])
    else:
        counters = DatabaseCounters(engine_of(app))
    app.extensions[EXTENSION] = counters


@functools.lru_cache(maxsize=32)
def _rate(text: str) -> rates.Rate:
    return rates.parse(text)


def _counted(work: Callable[[Counters], int | None]) -> int:
    """work(counters), or 0 (the request goes through) when the counters fail."""
    try:
        return work(current_app.extensions[EXTENSION]) or 0
    except Exception:  # any backend error: the request must not fail because of it
        log.exception(
            "Failed to rate limit %s %s; the request goes through", request.method, request.path
        )
        return 0


def limited(
    setting: str,
    *,
    methods: frozenset[str] | set[str] | None = None,
    counts: Callable[[Response], bool] | None = None,
    exempt: Callable[[], bool] | None = None,
) -> Callable:
    """Limit a view to the rate in the app setting `setting`, per client address.

    methods: only these methods are limited. counts: only responses it accepts count (a
    failed sign-in); without it every request counts. exempt: requests it accepts are
    neither limited nor counted.

    A request is counted before its view runs, in one atomic step, so requests arriving
    together from one address can't all pass the check at once; one whose response does
    not count is taken back after."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def limited_view(*args: Any, **kwargs: Any) -> Any:
            if (methods and request.method not in methods) or (exempt and exempt()):
                return view(*args, **kwargs)
            rate = _rate(current_app.config[setting])
            key = f"{request.endpoint}:{rate}:{request.remote_addr or '127.0.0.1'}"
            if _counted(lambda c: c.hit(key, rate.seconds)) > rate.count:
                abort(429)
            if counts is None:
                return view(*args, **kwargs)
            response = make_response(view(*args, **kwargs))
            if not counts(response):
                _counted(lambda c: c.give_back(key))
            return response

        return limited_view

    return decorate
