"""Signing out, a password reset and a role change end the sessions opened before them."""

import pytest
from conftest import STAFF_EMAIL, STAFF_PASSWORD, StaffAuth, add_user, make_app

EDITOR = "editor@clinics.example"
NEW_PASSWORD = "another long enough password"


def copy_of(app, client):
    """A second browser holding the first one's session cookie, as a thief would."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def is_signed_in(client) -> bool:
    response = client.get("/admin/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/admin/login")
        return False
    assert response.status_code == 200
    return True


def create_user(runner, monkeypatch, email: str, password: str, role: str):
    monkeypatch.setenv("SEO_PASSWORD", password)
    result = runner.invoke(args=["seo", "create-user", email, "--role", role])
    assert result.exit_code == 0, result.output
    return result


def test_signing_out_ends_a_copied_session(app, client, staff):
    stolen = copy_of(app, client)
    assert is_signed_in(stolen)
    assert staff.logout().status_code == 302
    assert not is_signed_in(client)
    assert not is_signed_in(stolen)


def test_signing_out_ends_the_accounts_other_sessions_only(app, client, staff):
    """One sign-out ends every session of that account; other accounts stay signed in."""
    laptop = app.test_client()
    assert StaffAuth(laptop).login().status_code == 302
    add_user(app, EDITOR, STAFF_PASSWORD, "editor")
    editor = app.test_client()
    assert StaffAuth(editor).login(EDITOR).status_code == 302
    staff.logout()
    assert not is_signed_in(laptop)
    assert is_signed_in(editor)


@pytest.mark.parametrize(
    ("password", "role"),
    [(NEW_PASSWORD, "admin"), (STAFF_PASSWORD, "editor")],
    ids=["password-reset", "role-change"],
)
def test_create_user_ends_the_accounts_sessions(
    app, client, staff, runner, monkeypatch, password, role
):
    stolen = copy_of(app, client)
    result = create_user(runner, monkeypatch, STAFF_EMAIL, password, role)
    assert f"updated password and role of {STAFF_EMAIL} ({role})" in result.output
    assert not is_signed_in(client)
    assert not is_signed_in(stolen)
    assert StaffAuth(client).login(password=password).status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(stolen)


def test_creating_another_account_leaves_sessions_alone(app, client, staff, runner, monkeypatch):
    create_user(runner, monkeypatch, EDITOR, NEW_PASSWORD, "editor")
    assert is_signed_in(client)


def test_a_session_naming_only_the_account_id_is_refused(app, client):
    """Cookies signed before session tokens existed carried the bare id: they no longer sign in."""
    user = add_user(app)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not is_signed_in(client)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_session_with_a_forged_token_is_refused(app, client):
    user = add_user(app)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:forged"
        session["_fresh"] = True
    assert not is_signed_in(client)


def test_migrating_gives_each_existing_account_its_own_token(database_url):
    """Revision 0006 gives accounts made before it distinct tokens, so they can sign in."""
    from alembic import command
    from sqlalchemy import text

    from seo.store import migrate
    from seo.store.db import get_engine

    app = make_app(database_url)
    with app.app_context():
        engine = get_engine()
        with engine.begin() as connection:
            command.upgrade(migrate.alembic_config(connection), "0005")
            for email in ("a@clinics.example", "b@clinics.example"):
                connection.execute(
                    text(
                        "INSERT INTO users (email, password_hash, role, failed_logins, created_at)"
                        " VALUES (:email, 'x', 'editor', 0, '2026-11-25 10:00:00')"
                    ),
                    {"email": email},
                )
        migrate.upgrade(engine)
        with engine.connect() as connection:
            tokens = connection.execute(text("SELECT session_token FROM users")).scalars().all()
        engine.dispose()
    assert len(tokens) == 2 and len(set(tokens)) == 2
    assert all(len(token) >= 40 for token in tokens)
