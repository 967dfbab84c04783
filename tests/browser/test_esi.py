"""A reader who commented, in Chromium through a real Varnish: their review page is the
cached copy, with Edit and Delete under their own comment only (an ESI fragment of their
own), and axe finds nothing on it."""

import re
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from tests.factories import make_comment, make_review
from tests.system.test_varnish import start_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def commented_through_varnish(
    stack, production_env, page, text: str, told: str, *, premoderate: str, stars=None
):
    """A review with Marisol's comment, served through a real Varnish; Ines Moreau posts a
    comment on it, sees what she is told, then comes back twice (the first stores the copy
    readers with comments of their own share): the second answer."""
    review = make_review()
    make_comment(review, name="Marisol", body="Somebody else’s take on it.")
    cache, _app = start_pair(stack, production_env, REVIEWSITE_COMMENT_PREMODERATE=premoderate)
    url = cache + review.get_absolute_url()
    page.goto(url)
    page.get_by_text("Write a comment").click()
    page.fill("#id_name", "Ines Moreau")
    page.fill("#id_body", text)
    if stars:
        page.locator(f"label[for='id_rating_{stars - 1}']").click()
    page.click("text=Post comment")
    # the click returns once the next page is committed, before its body has arrived
    expect(page.get_by_text(told)).to_be_visible()
    page.goto(url)
    return page.goto(url)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_a_commenters_page_is_the_cached_copy_with_their_own_controls(
    production_env, page, screenshot, axe
):
    with ExitStack() as stack:
        answer = commented_through_varnish(
            stack,
            production_env,
            page,
            "Mine, seen through the cache.",
            "Thank you: your comment is posted.",
            premoderate="0",
        )
        assert answer.headers["x-cache"] == "HIT"
        mine = page.locator("article.comment", has_text="Mine, seen through the cache.")
        theirs = page.locator("article.comment", has_text="Somebody else’s take on it.")
        assert mine.get_by_role("link", name="Delete your comment").count() == 1
        assert mine.get_by_role("link", name=re.compile("^Report")).count() == 0
        assert theirs.get_by_role("link", name="Delete your comment").count() == 0
        assert theirs.get_by_role("link", name=re.compile("^Report Marisol")).count() == 1
        assert axe(page) == []
        screenshot(page, "esi-commenter")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_first_comment_held_for_a_moderator_is_seen_by_its_author_on_a_cache_hit(
    production_env, page, screenshot, axe
):
    """Premoderated: the author's page is the cached copy, with their comment above the
    list marked "Awaiting review" and "you rated it" in the ratings, from parts of their own."""
    with ExitStack() as stack:
        answer = commented_through_varnish(
            stack,
            production_env,
            page,
            "My first comment, read by a moderator first.",
            "Your comment is awaiting moderation",
            premoderate="1",
            stars=4,
        )
        assert answer.headers["x-cache"] == "HIT"
        mine = page.locator("article.comment--own-held")
        expect(mine).to_contain_text("Awaiting review")
        expect(mine).to_contain_text("Only you can see this comment")
        assert mine.get_by_role("link", name="Delete your comment").count() == 1
        assert "You rated this review 4 stars." in page.locator("#ratings").inner_text()
        first = page.locator("article.comment").first
        expect(first).to_contain_text("My first comment, read by a moderator first.")
        assert axe(page) == []
        mine.scroll_into_view_if_needed()
        screenshot(page, "esi-held-comment")
