"""The conversation in Chromium, on a phone and a desktop: a first comment its author sees
marked "Awaiting review" (and nobody else does), Respect given and taken back in place and
without JavaScript, a moderator dismissing reports on the page, and the notice form. axe
finds nothing on each new state; screenshots go to test-artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from comments import services
from comments.models import Comment, Reaction
from demo.content import BALLARD_SLUG
from reviews.models import Review
from reviewsite.roles import MODERATORS
from tests.browser.test_moderation import PASSWORD, log_in
from tests.factories import make_comment, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "My first comment here: the pilot drags, then it flies."


@pytest.fixture
def review(load_demo, settings):
    settings.COMMENT_MIN_SECONDS = 0  # a person types for longer; the browser does not
    load_demo()
    return Review.objects.get(slug=BALLARD_SLUG)


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_held_comment_is_seen_by_its_author_alone(
    live_server, browser, page, screenshot, axe, review, settings
):
    settings.COMMENT_PREMODERATE = 1
    settings.COMMENT_REVIEW_HOURS = 12
    url = live_server.url + review.get_absolute_url()
    page.goto(url)
    if page.locator("#write-comment").get_attribute("open") is None:
        page.locator("#write-comment summary").click()  # the form waits behind its prompt
    wait = "Your first comment is read by a moderator before it appears — usually within 12 hours."
    assert wait in page.locator("#comment-form").inner_text()
    page.fill("#id_name", "Nadia")
    page.fill("#id_body", TEXT)
    page.locator("label[for=id_rating_4]").click()
    page.click("text=Post comment")
    page.wait_for_url(re.compile(r".*#comment-\d+$"))
    held = Comment.objects.get(body=TEXT)
    article = page.locator(f"#comment-{held.pk}")
    assert "Awaiting review" in article.inner_text()
    assert "Only you can see this comment" in article.inner_text()
    assert article.get_by_role("link", name="Edit your comment").count() == 1
    assert article.get_by_role("link", name="Delete your comment").count() == 1
    assert (
        "It will count once your comment is published" in page.locator("#comment-form").inner_text()
    )
    assert no_overflow(page)
    assert axe(page) == [], "held comment, as its author sees it"
    article.scroll_into_view_if_needed()
    screenshot(page, "held-comment-author")

    stranger = browser.new_context(viewport=page.viewport_size).new_page()
    stranger.goto(url)
    assert TEXT not in stranger.content()
    assert stranger.locator(f"#comment-{held.pk}").count() == 0
    stranger.context.close()


def test_respect_in_place_and_without_javascript(
    live_server, browser, page, screenshot, axe, review
):
    comment = make_comment(review, name="Marisol", body="The score carries every scene.")
    Reaction.objects.bulk_create([Reaction(comment=comment, reader=f"a:{n}") for n in range(2)])
    url = live_server.url + review.get_absolute_url()
    page.goto(url)
    form = page.locator(f"#comment-{comment.pk} form.reaction")
    button = form.get_by_role("button", name="Respect Marisol’s comment")
    assert button.get_attribute("aria-pressed") == "false"
    assert form.locator("[data-reaction-count]").inner_text() == "2"
    address = page.url
    button.click()
    expect(form.locator("[data-reaction-count]")).to_have_text("3")
    assert page.url == address  # in place: no navigation
    assert button.get_attribute("aria-pressed") == "true"
    assert axe(page) == [], "a comment with Respect given"
    page.locator(f"#comment-{comment.pk}").scroll_into_view_if_needed()
    screenshot(page, "reactions")
    button.click()
    expect(form.locator("[data-reaction-count]")).to_have_text("2")
    assert Reaction.objects.filter(comment=comment).count() == 2

    plain = browser.new_context(viewport=page.viewport_size, java_script_enabled=False)
    tab = plain.new_page()
    tab.goto(url)
    tab.locator(f"#comment-{comment.pk} form.reaction button").click()
    tab.wait_for_url(re.compile(rf".*#comment-{comment.pk}$"))
    assert tab.locator(f"#comment-{comment.pk} [data-reaction-count]").inner_text() == "3"
    plain.close()


def test_a_moderator_dismisses_reports_on_the_page(live_server, page, screenshot, axe, review):
    reported = make_comment(review, name="Blunt", body="This season is lazy and so is the cast.")
    for reader in ("a:one", "a:two"):
        services.comment_report(comment=reported, reader=reader, reason="abuse")
    make_user("mod", groups=[MODERATORS], is_staff=True, password=PASSWORD)
    log_in(page, live_server.url, review.get_absolute_url())
    article = page.locator(f"#comment-{reported.pk}")
    assert "2 open reports" in article.inner_text()
    article.locator("summary").click()
    article.get_by_placeholder("Why keep it").fill("Harsh but fair criticism")
    assert axe(page) == [], "a reported comment's moderator controls, open"
    article.scroll_into_view_if_needed()
    screenshot(page, "dismiss-control")
    article.get_by_role("button", name="Dismiss reports").click()
    page.wait_for_selector(f"#comment-{reported.pk} .comment__notice")
    notice = page.locator(f"#comment-{reported.pk} .comment__notice").inner_text()
    assert "Reports dismissed (2 reports dismissed: Harsh but fair criticism)" in notice
    assert "open report" not in page.locator(f"#comment-{reported.pk}").inner_text()
    assert axe(page) == [], "after dismissing"
    assert Comment.objects.moderation_queue().get(pk=reported.pk).open_reports == 0


def test_the_notice_form_has_no_axe_violations(live_server, page, axe, review, screenshot):
    comment = make_comment(review, name="Marisol", body="Something a reader finds unlawful.")
    page.goto(live_server.url + review.get_absolute_url())
    page.locator(f"#comment-{comment.pk}").get_by_role(
        "link", name="Report illegal content in Marisol’s comment"
    ).click()
    page.wait_for_selector("h1:has-text('Report illegal content')")
    assert axe(page) == [], "notice form"
    page.click("text=Send notice")
    page.wait_for_selector(".invalid-feedback")
    assert axe(page) == [], "notice form, nothing filled in"
    assert no_overflow(page)
    screenshot(page, "notice-form")
