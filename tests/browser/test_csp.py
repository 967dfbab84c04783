"""The Content-Security-Policy breaks nothing: no page, admin included, hits a violation."""

import pytest

from demo.content import BALLARD_SLUG
from reviews.models import Review
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_public_pages_and_admin_run_without_csp_violations(load_demo, live_server, page, viewport):
    load_demo()
    make_user("desk", password="a long enough password 1", is_staff=True, is_superuser=True)
    violations = watch_violations(page)
    page.goto(live_server.url)
    page.goto(f"{live_server.url}/reviews/{BALLARD_SLUG}/")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a long enough password 1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.locator("#id_headline").press_sequentially("Typing fills the slug by script")
    assert page.input_value("#id_slug") == "typing-fills-the-slug-by-script"  # admin JS runs
    page.goto(f"{live_server.url}/admin/reviews/review/")
    page.click(f"text={Review.objects.get(slug=BALLARD_SLUG).headline}")
    page.wait_for_url("**/change/")
    page.locator(".field-preview img").first.wait_for()
    assert page.locator(".field-preview img").count() == 3  # figure previews shown
    assert violations == []
