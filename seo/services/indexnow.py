"""IndexNow: the URLs of changed pages are queued with the change, and sent later.

A write only inserts rows (`queue`, from page_state.save, in the write's own transaction),
so a slow or failing search engine never holds up a save or a request. `seo indexnow`,
run by cron, sends what is due (`send`): a 2xx answer removes the rows, 429 and 5xx (and
no answer at all) retry with exponential backoff, any other answer drops them with a log
line naming the status."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from seo.core import indexnow
from seo.store.models import indexnow_outbox as outbox
from seo.store.models import utcnow

log = logging.getLogger(__name__)

BACKOFF = timedelta(minutes=5)  # the wait after the first failure, doubled after each one
MAX_DELAY = timedelta(hours=24)
# After this many failures the URLs are dropped (logged): by then, about three days on,
# crawlers have found the change through the sitemaps' <lastmod> anyway.
MAX_ATTEMPTS = 12
# Claimed rows wait this long before another run may take them: a run killed mid-way
# leaves nothing stuck, and two overlapping runs never send one URL twice.
LEASE = timedelta(minutes=30)
TIMEOUT = 30  # seconds per request
BATCH = 1000  # rows per INSERT


def settings() -> tuple[str, str] | None:
    """(key, SITE_URL) while IndexNow is on in the current app; None when it is off."""
    if not has_app_context():
        return None
    key = current_app.config.get("INDEXNOW_KEY")
    return (key, current_app.config["SITE_URL"]) if key else None


def queue(session: Session, paths: Iterable[str]) -> int:
    """Queue the absolute URLs of these page paths in the session's transaction (the caller
    commits); a URL already waiting is not queued twice. Nothing while IndexNow is off."""
    on = settings()
    if on is None:
        return 0
    site = on[1]
    found = list(dict.fromkeys(site + path for path in paths))
    if not found:
        return 0
    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # ON CONFLICT: a concurrent write queuing the same URL neither fails nor doubles it.
    statement = insert(outbox).on_conflict_do_nothing(index_elements=[outbox.c.url])
    for start in range(0, len(found), BATCH):
        rows = [
            {"url": url, "queued_at": now, "attempts": 0, "next_attempt_at": now}
            for url in found[start : start + BATCH]
        ]
        session.execute(statement, rows)
    return len(found)


def due(connection: Connection | Session, now: datetime | None = None) -> list[str]:
    """The URLs a send would take now, in the order they were queued."""
    moment = now or utcnow()
    query = select(outbox.c.url).where(outbox.c.next_attempt_at <= moment).order_by(outbox.c.id)
    return list(connection.execute(query).scalars())


@dataclass(frozen=True)
class Answer:
    """What the endpoint said: an HTTP status (None: no answer), why, and Retry-After."""

    status: int | None
    reason: str
    retry_after: str | None = None


Post = Callable[[str, dict], Answer]


def post_json(endpoint: str, body: dict) -> Answer:
    """POST the body as JSON; any outcome, a network failure included, is an Answer."""
    request = urllib.request.Request(
        endpoint,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return Answer(response.status, response.reason)
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, str(error.reason), error.headers.get("Retry-After"))
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", None) or error
        return Answer(None, str(reason))


@dataclass
class SendReport:
    sent: int = 0
    requests: int = 0
    retrying: int = 0
    dropped: int = 0

    def summary(self) -> str:
        requests = "1 request" if self.requests == 1 else f"{self.requests} requests"
        return (
            f"IndexNow: sent {self.sent} URLs in {requests}, "
            f"{self.retrying} to retry, {self.dropped} dropped"
        )


def backoff(attempts: int, retry_after: str | None = None) -> timedelta:
    """The wait after the given number of failures: doubling from BACKOFF, at most
    MAX_DELAY, and never shorter than the endpoint's Retry-After seconds."""
    wait = min(BACKOFF * 2 ** (attempts - 1), MAX_DELAY)
    if retry_after and retry_after.strip().isdigit():
        wait = max(wait, min(timedelta(seconds=int(retry_after)), MAX_DELAY))
    return wait


def _claim(engine: Engine, now: datetime) -> list[tuple[int, str, int]]:
    """Take every due row (id, url, attempts) in one statement, leased for this run."""
    statement = (
        update(outbox)
        .where(outbox.c.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE)
        .returning(outbox.c.id, outbox.c.url, outbox.c.attempts)
    )
    with engine.begin() as connection:
        rows = [tuple(row) for row in connection.execute(statement)]
    return sorted(rows)


def _retry(
    connection: Connection, rows: list[tuple[int, str, int]], now: datetime, answer: Answer
) -> tuple[int, int]:
    """Count a failure on each row and schedule it again; (rescheduled, given up)."""
    by_attempts: dict[int, list[int]] = {}
    given_up = [row_id for row_id, _url, attempts in rows if attempts + 1 >= MAX_ATTEMPTS]
    for row_id, _url, attempts in rows:
        if attempts + 1 < MAX_ATTEMPTS:
            by_attempts.setdefault(attempts + 1, []).append(row_id)
    for attempts, ids in by_attempts.items():
        connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids))
            .values(attempts=attempts, next_attempt_at=now + backoff(attempts, answer.retry_after))
        )
    if given_up:
        connection.execute(delete(outbox).where(outbox.c.id.in_(given_up)))
    return len(rows) - len(given_up), len(given_up)


def _describe(answer: Answer) -> str:
    if answer.status is None:
        return f"no answer ({answer.reason})"
    return f"status {answer.status} {answer.reason}".rstrip()


def send(
    engine: Engine,
    *,
    key: str,
    endpoint: str,
    limit: int = indexnow.URL_LIMIT,
    now: datetime | None = None,
    post: Post = post_json,
) -> SendReport:
    """Send every due URL: one request per host and per `limit` URLs."""
    moment = now or utcnow()
    report = SendReport()
    claimed = _claim(engine, moment)
    rows_of = {row[1]: row for row in claimed}
    for notice in indexnow.notices([row[1] for row in claimed], key, limit):
        rows = [rows_of[url] for url in notice.urls]
        ids = [row[0] for row in rows]
        answer = post(endpoint, notice.body)
        report.requests += 1
        with engine.begin() as connection:
            status = answer.status
            if status is not None and 200 <= status < 300:
                connection.execute(delete(outbox).where(outbox.c.id.in_(ids)))
                report.sent += len(ids)
            elif status is None or status == 429 or status >= 500:
                retrying, given_up = _retry(connection, rows, moment, answer)
                report.retrying += retrying
                report.dropped += given_up
                log.warning(
                    "IndexNow: %s answered %s for %d URLs of %s; %d will be retried%s",
                    endpoint,
                    _describe(answer),
                    len(ids),
                    notice.host,
                    retrying,
                    f", {given_up} dropped after {MAX_ATTEMPTS} attempts" if given_up else "",
                )
            else:
                connection.execute(delete(outbox).where(outbox.c.id.in_(ids)))
                report.dropped += len(ids)
                log.warning(
                    "IndexNow: %s answered %s for %d URLs of %s; dropped (not retried)",
                    endpoint,
                    _describe(answer),
                    len(ids),
                    notice.host,
                )
    return report
