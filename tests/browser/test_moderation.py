"""A moderator removes a comment from the review page in Chromium, on a phone and a desktop;
readers stop seeing it at once and the admin's queue shows it removed, with the reason."""

import pytest
from playwright.sync_api import expect

from comments import services
from comments.models import Comment
from demo.content import BALLARD_SLUG
from reviews.models import Review
from reviewsite.roles import MODERATORS
from tests.comments.moderating import make_removed, removal
from tests.factories import make_comment, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough password 1"


@pytest.fixture
def scene(load_demo):
    """The demo review with comments in every state a moderator meets."""
    load_demo()
    review = Review.objects.get(slug=BALLARD_SLUG)
    target = make_comment(review, name="Marisol", rating=5, body="Cheap pills at my shop!")
    make_comment(review, name="Kim", rating=3, body="Good, not great.")
    reported = make_comment(review, name="Rude", body="Everyone here is an idiot.")
    for reader in ("a:one", "a:two"):
        services.comment_report(comment=reported, reader=reader, reason="abuse")
    make_comment(review, name="Linky", body="Visit www.a.example www.b.example", status="pending")
    gone = make_removed(review, name="Leaker", body="Call me: 555-0100", reason="other")
    make_comment(review, name="Sam", body="Is that true?", parent=gone)
    make_user("mod", groups=[MODERATORS], is_staff=True, password=PASSWORD)
    return review, target


def log_in(page, base: str, next_url: str) -> None:
    """Through the real admin login form (django-axes watches it, as in production)."""
    page.goto(f"{base}/admin/login/?next={next_url}")
    page.fill("#id_username", "mod")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def test_moderator_removes_a_comment_from_the_review_page(
    live_server, browser, page, screenshot, axe, scene
):
    review, target = scene
    base, review_url = live_server.url, review.get_absolute_url()
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    log_in(page, base, review_url)
    assert "Rated 4 out of 5 stars · 2 ratings" in page.locator("#rating-summary").inner_text()
    comments = page.locator("#comments")
    assert "Awaiting moderation: readers do not see it" in comments.inner_text()
    assert "2 open reports" in comments.inner_text()
    assert "Removed by a moderator (Other)" in comments.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert axe(page) == []
    comments.scroll_into_view_if_needed()
    screenshot(page, "moderation-review-page")

    article = page.locator(f"#comment-{target.pk}")
    article.locator(".comment__moderate summary").first.click()  # one "Moderate" per comment
    article.locator("select[name=reason]").select_option(label="Spam")
    article.locator("input[name=note]").fill("Pill spam")
    article.get_by_role("button", name="Remove").click()
    page.wait_for_url(f"**#comment-{target.pk}")
    assert "Comment removed (spam)" in article.inner_text()
    assert "Removed by a moderator (Spam)" in article.inner_text()
    assert article.get_by_role("button", name="Restore").is_visible()
    assert "Rated 3 out of 5 stars · 1 rating" in page.locator("#rating-summary").inner_text()
    assert removal(target)[:3] == ("removed", "spam", "Pill spam")
    screenshot(page, "moderation-removed")

    reader = browser.new_context(viewport=page.viewport_size).new_page()
    reader.goto(f"{base}{review_url}")
    assert "Cheap pills" not in reader.content()
    assert "Rated 3 out of 5 stars · 1 rating" in reader.locator("#rating-summary").inner_text()
    assert reader.locator("#comments form[action*='/remove/']").count() == 0
    assert "Comment removed by a moderator" in reader.locator("#comments").inner_text()
    reader.context.close()

    page.goto(f"{base}/admin/comments/comment/")
    row = page.locator("#result_list tr", has_text="Cheap pills")
    assert "Removed (spam)" in row.inner_text()
    first_rows = page.locator("#result_list tbody tr").all_inner_texts()[:2]
    assert "Rude" in first_rows[0] and "Linky" in first_rows[1]  # reported, then pending
    screenshot(page, "moderation-admin-queue")

    page.locator("#result_list tr", has_text="Linky").locator("input.action-select").check()
    page.locator("#result_list tr", has_text="Rude").locator("input.action-select").check()
    page.select_option("select[name=action]", "remove_selected")
    page.click("button[name=index]")
    page.wait_for_selector("text=Remove these comments?")
    screenshot(page, "moderation-admin-remove-selected")
    page.click("text=No, take me back")
    page.wait_for_selector("#result_list")
    assert Comment.objects.filter(status="removed").count() == 2  # cancel changed nothing

    row = page.locator("#result_list tr", has_text="Cheap pills")
    row.locator("th a, td a").first.click()
    page.wait_for_url("**/change/")
    assert "Spam" in page.locator(".fieldBox.field-removal_reason").inner_text()
    assert "Pill spam" in page.locator(".fieldBox.field-removal_note").inner_text()
    assert "mod" in page.locator(".fieldBox.field-removed_by_name").inner_text()
    assert csp == []


def test_reader_reports_a_comment_without_javascript_and_a_moderator_sees_it(
    live_server, browser, page, screenshot, axe, scene
):
    review, target = scene
    base = live_server.url
    page.context.route("**/*.js", lambda route: route.abort())  # no script needed
    page.goto(f"{base}{review.get_absolute_url()}")
    page.locator(f"#comment-{target.pk}").get_by_role(
        "link", name=f"Report {target.name}’s comment"
    ).click()
    page.wait_for_url(f"**/comments/{target.pk}/report/")
    assert "Cheap pills at my shop!" in page.locator("blockquote").inner_text()
    assert axe(page) == []
    screenshot(page, "moderation-report-form")
    page.get_by_label("Spam or advertising").check()
    page.get_by_label("Anything a moderator should know? (optional)").fill("Sells pills")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(f"**#comment-{target.pk}")
    notice = page.locator(f"#comment-{target.pk} .message")
    assert "Thank you for your report" in notice.inner_text()
    assert axe(page) == []

    moderator = browser.new_context(viewport=page.viewport_size).new_page()
    log_in(moderator, base, f"/comments/{target.pk}/remove/")
    assert "Remove this comment?" in moderator.locator("h1").inner_text()
    assert axe(moderator) == []
    screenshot(moderator, "moderation-confirm-remove")
    moderator.get_by_role("button", name="Remove comment").click()  # no reason chosen
    expect(moderator.get_by_text("Choose why you are removing this comment.")).to_be_visible()
    assert Comment.objects.get(pk=target.pk).status == "published"
    moderator.get_by_label("Reason").select_option("spam")
    moderator.get_by_role("button", name="Remove comment").click()
    moderator.wait_for_url(f"**#comment-{target.pk}")
    assert removal(target)[1] == "spam"
    moderator.context.close()
