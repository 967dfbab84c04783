"""Repeated failed staff logins are throttled; the right password then still waits."""

import pytest

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="198.51.100.20"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_five_failures_lock_the_account_from_that_address(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        assert attempt(client, "editor", "wrong password").status_code == 200  # form again
    locked = attempt(client, "editor", "wrong password")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "is paused for 15 minutes" in locked.content.decode()  # DJANGO_LOGIN_COOLOFF
    # Even the right password is refused while locked out.
    assert attempt(client, "editor", "correct horse battery").status_code == 429
    # The same account from another address is not locked out.
    assert attempt(client, "editor", "correct horse battery", ip="198.51.100.21").status_code == 302


def test_a_correct_login_is_let_in(client, editor):
    response = attempt(client, "editor", "correct horse battery")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_staff_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
