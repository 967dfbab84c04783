"""axe-core finds no WCAG 2.2 AA (or best-practice) violation on the reader's pages, in
every state a reader or a moderator meets; the poll and the stars work by keyboard alone
and errors are tied to their fields and announced."""

import pytest

from comments import services
from demo.content import BALLARD_SLUG
from reviews.models import Review
from reviewsite.roles import EDITORS, MODERATORS
from tests.factories import make_comment, make_review, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    f"/reviews/{BALLARD_SLUG}/",
    "/search/",
    "/search/?q=detective",
    "/search/?q=zeppelin",
    "/genres/crime/",
    "/platforms/prime-video/",
    "/authors/dana-whitfield/",
    "/series/ballard/",
    "/tv/",
    "/films/",
    "/reviews/no-such-review/",
]
REVIEW = f"/reviews/{BALLARD_SLUG}/"
PASSWORD = "a long enough password 1"


@pytest.fixture
def demo(load_demo, transactional_db):
    load_demo()


@pytest.fixture
def scene(demo, settings):
    """The demo review with comments in every state: a thread with a reply, a spoiler, a
    reported comment, one awaiting moderation and a removed one with a reply; staff users."""
    settings.COMMENT_MIN_SECONDS = 0  # a robot-fast test is not a robot
    review = Review.objects.get(slug=BALLARD_SLUG)
    comments = {
        "parent": make_comment(review, name="Tom H.", rating=4, body="The cold cases work."),
        "spoiler": make_comment(review, name="Dev", rating=5, spoiler=True, body="It was him."),
        "reported": make_comment(review, name="Rude", body="Everyone here is an idiot."),
        "pending": make_comment(review, name="Linky", body="www.a.example", status="pending"),
        "removed": make_comment(review, name="Leaker", body="555-0100", status="removed"),
    }
    make_comment(review, name="Priya", parent=comments["parent"], body="Agreed, and the pacing.")
    make_comment(review, name="Sam", parent=comments["removed"], body="Is that true?")
    for reader in ("a:one", "a:two"):
        services.comment_report(comment=comments["reported"], reader=reader, reason="abuse")
    make_user("mod", groups=[MODERATORS], is_staff=True, password=PASSWORD)
    make_user("ed", groups=[EDITORS], is_staff=True, password=PASSWORD)
    make_review(published=False, slug="a-draft")
    return comments


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/")


def test_reader_pages_have_no_axe_violations(live_server, page, axe, demo):
    for path in PAGES:
        page.goto(live_server.url + path)
        assert axe(page) == [], path


def test_every_state_of_the_review_page_has_no_axe_violations(live_server, page, axe, scene):
    url = live_server.url + REVIEW
    page.goto(url)
    assert page.locator(".comment__replies").count() == 2  # a reply, and one under a removal
    assert axe(page) == [], "comments, a reply, a removed comment, poll before voting"

    page.locator("summary", has_text="Show spoiler").click()
    assert axe(page) == [], "spoiler open"

    page.goto(f"{url}?reply_to={scene['parent'].pk}#comment-form")
    assert "Replying to Tom H." in page.locator("#comment-form").inner_text()
    assert axe(page) == [], "reply form"

    page.goto(url)
    page.evaluate("document.querySelectorAll('#poll input').forEach(i => i.required = false)")
    page.locator("#poll").get_by_role("button", name="Vote").click()
    page.locator("#poll .message").wait_for()
    assert axe(page) == [], "poll refused a vote with no answer"

    page.locator("#poll label", has_text="Maybe").click()
    page.locator("#poll").get_by_role("button", name="Vote").click()
    page.locator("#poll .poll__results").wait_for()
    assert axe(page) == [], "poll after voting"
    page.goto(url)
    assert page.locator("#poll .poll__results").count() == 1
    assert axe(page) == [], "poll results on a later visit"

    page.locator("#write-comment summary").click()  # the form waits behind its prompt
    assert axe(page) == [], "comment form opened"
    page.click("text=Post comment")
    page.wait_for_selector(".comment-form__errors")
    assert axe(page) == [], "comment form, every field wrong"

    page.fill("#id_name", "Nadia")
    page.fill("#id_body", "Stars out of range.")
    page.evaluate("r => { r.value = '9'; r.checked = true; }", page.query_selector("#id_rating_4"))
    page.click("text=Post comment")
    page.wait_for_selector("#id_rating_error")
    assert axe(page) == [], "comment form, rating refused"

    page.fill("#id_body", "See https://a.example and https://b.example and https://c.example")
    page.locator("label[for=id_rating_none]").click()
    page.click("text=Post comment")
    page.wait_for_selector("text=Your comment is awaiting moderation")
    assert axe(page) == [], "comment held for moderation"

    page.fill("#id_name", "Nadia")
    page.locator("label[for=id_rating_3]").click()
    page.fill("#id_body", "A sturdy season.")
    page.click("text=Post comment")
    page.wait_for_url("**#comment-*")
    assert "You rated this review 4 stars" in page.locator("#comment-form").inner_text()
    assert axe(page) == [], "comment posted, rating given"


def test_report_and_moderation_pages_have_no_axe_violations(live_server, browser, page, axe, scene):
    base = live_server.url
    page.goto(f"{base}/comments/{scene['parent'].pk}/report/")
    assert axe(page) == [], "report page"
    page.get_by_role("button", name="Send report").click()
    page.wait_for_selector(".invalid-feedback")
    assert axe(page) == [], "report page, no reason given"

    log_in(page, base, "mod")
    page.goto(base + REVIEW)
    assert page.locator(".comment__moderate").count() >= 2
    assert axe(page) == [], "moderator's review page"
    controls = page.locator(".comment__moderate").first
    controls.locator("summary").first.click()
    assert controls.get_by_role("button").first.is_visible()
    assert axe(page) == [], "moderator's review page, one comment's controls open"
    page.goto(f"{base}/comments/{scene['parent'].pk}/remove/")
    assert axe(page) == [], "remove confirmation"
    page.get_by_role("button", name="Remove comment").click()
    page.wait_for_selector(".invalid-feedback")
    assert axe(page) == [], "remove confirmation, no reason given"
    for action, comment in [("restore", "removed"), ("approve", "pending")]:
        page.goto(f"{base}/comments/{scene[comment].pk}/{action}/")
        assert page.get_by_role("button", name=f"{action.capitalize()} comment").is_visible()
        assert axe(page) == [], f"{action} confirmation"

    editor = browser.new_context(viewport=page.viewport_size).new_page()
    log_in(editor, base, "ed")
    editor.goto(f"{base}/reviews/a-draft/preview/")
    assert editor.locator("#poll button[disabled]").count() == 1
    assert axe(editor) == [], "staff preview of a draft"
    editor.context.close()


def test_keyboard_reader_votes_in_the_poll(live_server, page, demo):
    page.goto(live_server.url + REVIEW)
    page.locator("#poll").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == page.get_attribute(
        "#poll input[name=choice] >> nth=0", "id"
    )
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert ring == "solid"  # the focused answer is visibly marked
    page.keyboard.press("Space")
    assert page.get_by_label("Yes", exact=True).is_checked()
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("No", exact=True).is_checked()  # arrows move the choice
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Maybe", exact=True).is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Vote"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Space")

    page.locator("#poll .poll__results").wait_for()
    assert page.evaluate("document.activeElement.id") == "poll"  # focus stays with the poll
    mine = page.locator("#poll .poll__result--mine")
    assert "Maybe" in mine.inner_text() and "100%" in mine.inner_text()
    # The outcome is read out: a live region that was on the page before the answer came.
    announcer = page.locator("main > #poll-announcer[role=status]")
    assert announcer.text_content() == "Thanks: your vote is counted."


def test_form_errors_are_tied_to_their_fields_and_announced(live_server, page, scene):
    page.goto(live_server.url + REVIEW)
    page.locator("#write-comment summary").click()
    page.fill("#id_email", "not an email")
    page.evaluate("r => { r.value = '9'; r.checked = true; }", page.query_selector("#id_rating_4"))
    page.click("text=Post comment")
    summary = page.locator(".comment-form__errors")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    for field in ["id_name", "id_email", "id_body", "div_id_rating"]:
        described_by = page.get_attribute(f"#{field}", "aria-describedby").split()
        error = f"{field.removeprefix('div_')}_error"
        assert error in described_by, field
        message = page.locator(f"#{error}").inner_text().strip()
        assert message and message in summary.inner_text(), field  # the same words, twice
    assert page.get_attribute("#id_rating_0", "aria-invalid") == "true"

    page.goto(f"{live_server.url}/comments/{scene['parent'].pk}/report/")
    page.get_by_role("button", name="Send report").click()
    group = page.locator("fieldset[aria-describedby]")
    error = page.locator(f"#{group.get_attribute('aria-describedby')}")
    assert "Choose what is wrong with this comment." in error.inner_text()
    box, last_choice = error.bounding_box(), page.locator(".form-check-label").last.bounding_box()
    assert box["y"] >= last_choice["y"] + last_choice["height"]  # below the choices, not beside

    page.goto(live_server.url + REVIEW)
    page.evaluate("document.querySelectorAll('#poll input').forEach(i => i.required = false)")
    page.locator("#poll").get_by_role("button", name="Vote").click()
    page.locator("#poll .message").wait_for()
    assert page.locator("#poll-announcer").text_content().strip() != ""


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


def test_the_axe_check_names_each_violation_it_finds(page, axe):
    """The harness the tests above trust: a picture with no text and an unnamed button are
    reported, each by rule and place."""
    page.set_content(
        '<!doctype html><html lang="en"><title>Bad</title><main><h1>Bad</h1>'
        '<img src="data:," id="photo"><button id="go"></button></main></html>'
    )
    found = axe(page)
    assert any(v.startswith("image-alt (critical)") and "#photo" in v for v in found), found
    assert any(v.startswith("button-name (critical)") and "#go" in v for v in found), found
