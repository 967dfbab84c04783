"""axe finds nothing on the follow pages (the form on a series hub, the newsletter page,
its refusal, the thank-you page, the link pages and "Your e-mails") at 390 and 1280 px;
each is kept under test-artifacts/screenshots/ to be looked at."""

import pytest

from follows import links
from follows.models import Follow
from reviews.models import Series
from tests.factories import make_review
from tests.follows.following import followers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_follow_pages_have_no_axe_violations(live_server, page, axe, screenshot):
    series = Series.objects.create(name="Ballard")
    review = make_review(series=series, headline="Ballard, season 1")
    (email,) = followers(1, prefix="shot", kind=Follow.Kind.SERIES, series=series)
    Follow.objects.create(follower=Follow.objects.get().follower, kind=Follow.Kind.SITE)
    confirm = links.confirm_url(
        email="new@example.com", kind="series", series=series.pk, critic=None, freq="each"
    )
    pages = {
        "series-hub": series.get_absolute_url(),
        "review-page": review.get_absolute_url(),
        "newsletter": "/newsletter/",
        "confirm": path(confirm),
        "your-emails": path(links.manage_url(email)),
        "unsubscribe": path(links.unsubscribe_url(email)),
        "bad-link": "/follow/you/garbled/",
    }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        assert axe(page) == [], name
        screenshot(page, f"follow-{name}")

    page.goto(live_server.url + "/newsletter/")
    page.fill("#follow-email", "not an address")
    page.evaluate("document.querySelector('#follow-email').type = 'text'")
    page.get_by_role("button", name="Follow").click()
    page.wait_for_selector(".alert-danger")
    assert axe(page) == [], "newsletter, refused"
    screenshot(page, "follow-newsletter-refused")

    page.fill("#follow-email", "reader@example.com")
    page.get_by_role("button", name="Follow").click()
    page.wait_for_url("**/follow/thanks/")
    assert axe(page) == [], "thanks"
    screenshot(page, "follow-thanks")
