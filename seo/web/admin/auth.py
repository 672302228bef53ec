"""Staff accounts: password hashing, sign-in with lockout, sessions that end with the account's."""

from __future__ import annotations

import hmac
import re
from datetime import timedelta
from functools import cache

from flask import Flask
from flask_login import user_logged_out
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from seo.extensions import login_manager
from seo.store import models, queries
from seo.store.db import get_session

MAX_FAILURES = 10  # failed sign-ins in a row before an account is locked
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@login_manager.user_loader
def load_user(session_id: str) -> models.User | None:
    """The account a session names, while the session's token is still the account's."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = queries.user_by_id(get_session(), int(user_id))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


@user_logged_out.connect
def end_sessions_on_sign_out(_app: Flask, user, **_extra) -> None:
    """Signing out ends every session of the account, a copied cookie's as well."""
    if isinstance(user, models.User):
        user.end_sessions()
        get_session().commit()


class AccountError(ValueError):
    pass


def create_user(session: Session, email: str, password: str, role: str) -> tuple[models.User, bool]:
    """Create a staff account, or set a new password and role on an existing one.

    Setting them ends the account's sessions: they were signed in with the old password."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if role not in models.ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(models.ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    user = queries.user_by_email(session, email)
    created = user is None
    if user is None:
        user = models.User(email=email, created_at=models.utcnow())
        session.add(user)
    user.password_hash = generate_password_hash(password)
    user.role, user.failed_logins, user.locked_until = role, 0, None
    user.end_sessions()
    session.commit()
    return user, created


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> models.User | None:
    """The account for these credentials, or None; repeated failures lock the account."""
    user = queries.user_by_email(session, email.strip().lower())
    if user is None:
        check_password_hash(_dummy_hash(), password)  # same work as for a real account
        return None
    now = models.utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
        session.commit()
        return None
    user.failed_logins, user.locked_until = 0, None
    session.commit()
    return user
