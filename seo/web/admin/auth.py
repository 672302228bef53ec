"""Staff accounts: password hashing, sign-in with throttling and lockout, extensions."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from seo.store import models, queries
from seo.store.db import get_session

MAX_FAILURES = 10  # failed sign-ins in a row before an account is locked
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
# In-memory counters per process: enough for one server; use a shared store for several.
limiter = Limiter(get_remote_address, storage_uri="memory://", strategy="fixed-window")


@login_manager.user_loader
def load_user(user_id: str) -> models.User | None:
    if not user_id.isdigit():
        return None
    return queries.user_by_id(get_session(), int(user_id))


class AccountError(ValueError):
    pass


def create_user(session: Session, email: str, password: str, role: str) -> tuple[models.User, bool]:
    """Create a staff account, or set a new password and role on an existing one."""
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
