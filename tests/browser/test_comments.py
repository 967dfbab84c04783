"""Readers rate and comment in Chromium, by keyboard alone, on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from demo.content import BALLARD_SLUG
from reviews.models import Review
from tests.factories import make_comment, saved_by_an_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_review(load_demo, settings):
    settings.COMMENT_MIN_SECONDS = 0  # a robot-fast test is not a robot
    load_demo()
    review = Review.objects.get(slug=BALLARD_SLUG)
    # These tests are a reader's first comment on a review nobody has discussed yet (the
    # demo ships readers' comments on it, which fold the form behind "Write a comment").
    review.comments.all().delete()
    saved_by_an_editor(review)
    return review


def test_reader_rates_four_stars_by_keyboard_and_the_summary_updates(
    live_server, page, screenshot, axe, demo_review
):
    csp_violations = []
    page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live_server.url}{demo_review.get_absolute_url()}")
    summary = page.locator("#rating-summary")
    assert "No ratings yet" in summary.inner_text()
    page.locator("#comments").scroll_into_view_if_needed()
    screenshot(page, "comments-empty")

    page.locator("#id_name").focus()
    page.keyboard.type("Marisol")
    page.keyboard.press("Tab")  # email
    page.keyboard.press("Tab")  # "E-mail me when someone replies"
    page.keyboard.press("Tab")  # into the stars: the first one
    assert page.evaluate("document.activeElement.id") == "id_rating_0"
    focus_ring = page.evaluate(
        "getComputedStyle(document.querySelector('label[for=id_rating_0]')).outlineStyle"
    )
    assert focus_ring == "solid"  # the focused star is visibly marked
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("#id_rating_3").is_checked()  # 4 stars
    colours = page.evaluate(
        "[...document.querySelectorAll('#comment-form .star-input__star + label')]"
        ".map(l => getComputedStyle(l).color)"
    )
    assert len(set(colours[:4])) == 1 and colours[4] != colours[0]  # four lit, one not
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type("Maggie Q carries it.\n\nThe finale rushes, though.")
    page.keyboard.press("Tab")  # the spoiler box
    page.keyboard.press("Tab")  # the episode it discusses (a season review's comments)
    page.keyboard.press("Tab")  # the button (the honeypot is skipped)
    assert page.evaluate("document.activeElement.textContent") == "Post comment"
    page.keyboard.press("Enter")

    page.wait_for_url("**#comment-*")
    comment = demo_review.comments.get()
    assert (comment.name, comment.rating, comment.status) == ("Marisol", 4, "published")
    assert "Rated 4 out of 5 stars · 1 rating" in summary.inner_text()
    article = page.locator(f"#comment-{comment.pk}")
    assert "Rated 4 out of 5" in article.inner_text()
    assert "The finale rushes, though." in article.inner_text()
    assert page.locator('input[name="rating"]').count() == 0  # rated: no stars offered
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    assert axe(page) == []
    assert csp_violations == []
    screenshot(page, "comments-posted")


def test_invalid_post_shows_each_error_beside_its_field(
    live_server, page, screenshot, axe, demo_review
):
    page.goto(f"{live_server.url}{demo_review.get_absolute_url()}")
    page.fill("#id_email", "not an email")
    page.fill("#id_body", "Kept, even though the form was refused.")
    page.click("text=Post comment")
    page.wait_for_selector(".comment-form__errors")
    assert not demo_review.comments.exists()
    assert page.input_value("#id_body") == "Kept, even though the form was refused."
    for field, message in [
        ("id_name", "Please enter a name"),
        ("id_email", "Please enter an e-mail address"),
    ]:
        error = page.locator(f"#{field}_error")
        assert message in error.inner_text()
        field_box, error_box = page.locator(f"#{field}").bounding_box(), error.bounding_box()
        assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 30  # right below
        assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
    assert page.locator(".comment-form__errors").is_visible()
    assert axe(page) == []
    page.locator("#comment-form").scroll_into_view_if_needed()
    screenshot(page, "comments-error")


def test_thread_with_reply_and_spoiler(live_server, page, screenshot, axe, demo_review):
    parent = make_comment(demo_review, name="Tom H.", rating=4, body="The cold-case scenes work.")
    make_comment(demo_review, name="Priya", parent=parent, body="Agreed, and the pacing.")
    make_comment(
        demo_review, name="Dev", rating=5, spoiler=True, body="The captain knew all along."
    )
    page.goto(f"{live_server.url}{demo_review.get_absolute_url()}")
    spoiler = page.locator("details.comment__spoiler", has_text="Show spoiler")
    assert not page.get_by_text("The captain knew all along.").is_visible()
    spoiler.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The captain knew all along.")).to_be_visible()
    assert axe(page) == []
    page.locator(f"#comment-{parent.pk}").get_by_text("Reply").click()
    expect(page.locator("#comment-form")).to_contain_text("Replying to Tom H.")
    assert axe(page) == []
    page.locator("#comments").scroll_into_view_if_needed()
    screenshot(page, "comments-thread")
