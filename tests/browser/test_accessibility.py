"""axe-core finds no WCAG 2.2 AA (or best-practice) violation on the reader's pages."""

import pytest
from django.core.management import call_command

from reviews.demo import BALLARD_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    f"/reviews/{BALLARD_SLUG}/",
    "/search/?q=detective",
    "/search/?q=zeppelin",
    "/genres/crime/",
    "/platforms/prime-video/",
    "/authors/dana.whitfield/",
    "/reviews/no-such-review/",
]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=None)


def test_reader_pages_have_no_axe_violations(live_server, page, axe, demo):
    for path in PAGES:
        page.goto(live_server.url + path)
        assert axe(page) == [], path


def test_keyboard_users_can_skip_to_the_content(live_server, page, demo):
    page.goto(f"{live_server.url}/reviews/{BALLARD_SLUG}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown when focused
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
