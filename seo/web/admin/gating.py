"""The publishing gate in the admin: an explicit, reasoned override, and what was refused."""

from __future__ import annotations

from flask import flash, request
from flask_login import current_user

from seo.audit import Finding
from seo.services import gate
from seo.web.admin.lookups import staff_email

REASON_MAX = 500


def override() -> gate.Override | None:
    """An admin may publish despite audit errors: explicitly, and saying why."""
    if request.form.get("override_audit") != "yes" or not current_user.is_admin:
        return None
    reason = " ".join((request.form.get("override_reason") or "").split())[:REASON_MAX]
    return gate.Override(staff_email(), reason) if reason else None


def wants_publish() -> bool:
    """A change to live content is published at once only when an admin asks for it;
    everyone else's change waits as a draft (a post without a choice publishes for admins,
    as the form did before drafts existed)."""
    action = request.form.get("action", "publish")
    return current_user.is_admin and action in ("publish", "save")


def flash_blockers(blockers: list[Finding]) -> None:
    """Say what the audit found on the pages the change would have put live."""
    shown = "; ".join(f"{f.path} {f.rule}: {f.message}" for f in blockers[:5])
    more = f" (and {len(blockers) - 5} more)" if len(blockers) > 5 else ""
    asked = request.form.get("override_audit") == "yes" and current_user.is_admin
    hint = (
        "Write a reason to publish anyway."
        if asked
        else "Fix them, or an admin can publish anyway with a reason."
    )
    flash(
        f"Not published: the audit found {len(blockers)} errors on its pages. {shown}{more}. "
        + hint,
        "error",
    )
