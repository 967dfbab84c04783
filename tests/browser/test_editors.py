"""The editors' flows in Chromium: a writer drafts and submits; an editor compares, restores,
sends back and publishes; a second browser's stale save is refused with its text kept; the
byline shows the critic's display name. axe runs on every admin page they use, and each is
photographed at 1280 and 390 px (test-artifacts/screenshots/editors-*)."""

import re

import pytest
from playwright.sync_api import expect

from reviews.models import Profile, Review
from reviewsite.roles import EDITORS, WRITERS
from tests.browser.test_accessibility import PASSWORD
from tests.browser.test_accessibility import log_in as log_in_to_site
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(load_demo, transactional_db):
    load_demo()
    make_user("writer", groups=[WRITERS], is_staff=True, password=PASSWORD)
    editor = make_user("editor", groups=[EDITORS], is_staff=True, password=PASSWORD)
    Profile.objects.create(user=editor, display_name="Eddie Marsh")
    colleague = make_user("colleague", groups=[EDITORS], is_staff=True, password=PASSWORD)
    Profile.objects.create(user=colleague, display_name="Cole Reyes")


def log_in(page, base: str, username: str) -> None:
    """Log in (the accessibility tests' way), then open the admin."""
    log_in_to_site(page, base, username)
    page.goto(f"{base}/admin/")


def no_violations(axe, page, what: str, screenshot) -> None:
    screenshot(page, f"editors-{what}")
    found = axe(page)
    assert found == [], (what, found)


def test_writer_submits_editor_compares_restores_sends_back_and_publishes(
    live_server, browser, page, axe, screenshot, newsroom
):
    base = live_server.url
    log_in(page, base, "writer")
    page.get_by_role("link", name="My profile").click()
    page.wait_for_load_state()  # the whole form, its scripts run, before typing
    page.fill("#id_display_name", "Wren Hale")
    page.fill("#id_bio", "Wren writes about crime television.")
    no_violations(axe, page, "profile", screenshot)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Your profile is saved.").wait_for()

    page.goto(f"{base}/admin/reviews/review/add/")
    page.fill("#id_headline", "Bosch: Legacy Season 3 Review")
    page.fill("#id_standfirst", "A steady season with a gripping finale.")
    page.fill("#id_work_title", "BOSCH: LEGACY")
    page.fill("#id_sections-0-body", "The first paragraph of the draft.")
    no_violations(axe, page, "writer-add", screenshot)
    # Pressed from the keyboard: after the full-page screenshot above, the long form is
    # still settling at 390 px and a click at the button's old place can miss it (on main
    # too). The add page has "Save and submit for review" as well, so wait for the
    # change page itself before going on.
    page.get_by_role("button", name="Save and continue editing").press("Enter")
    page.get_by_text("was added successfully").wait_for()
    page.fill("#id_standfirst", "A steady season with a thrilling finale.")
    page.get_by_role("button", name="Save and submit for review").click()
    # No lead photo: a content check, so it asks once more.
    page.get_by_role("button", name="Submit anyway").first.click()
    page.get_by_text("Submitted for review: an editor").wait_for()
    review = Review.objects.get(slug="bosch-legacy-season-3-review")
    assert review.is_submitted and review.author.username == "writer"

    editor = browser.new_context(viewport=page.viewport_size)
    tab = editor.new_page()
    log_in(tab, base, "editor")
    tab.goto(f"{base}/admin/reviews/review/?workflow=submitted")
    no_violations(axe, tab, "submitted-queue", screenshot)
    tab.get_by_role("link", name="Bosch: Legacy Season 3 Review").click()
    tab.locator(".editors-box", has_text="Submitted for review on").wait_for()
    no_violations(axe, tab, "editor-change-form", screenshot)

    tab.get_by_role("link", name="History").click()
    no_violations(axe, tab, "history", screenshot)
    tab.get_by_role("button", name="Compare the two chosen revisions").click()
    expect(tab.locator("table.compare del", has_text="gripping")).to_have_count(1)
    expect(tab.locator("table.compare ins", has_text="thrilling")).to_have_count(1)
    no_violations(axe, tab, "compare", screenshot)
    tab.get_by_role("link", name=re.compile("^Restore the revision of")).click()
    no_violations(axe, tab, "restore", screenshot)
    tab.get_by_role("button", name="Yes, restore this revision").click()
    tab.get_by_text("Restored the revision of").wait_for()
    review.refresh_from_db()
    assert review.standfirst == "A steady season with a gripping finale."
    assert review.status == Review.Status.DRAFT

    tab.fill("#id_editor_note", "Name the showrunner in the first paragraph, please.")
    tab.get_by_role("button", name="Send back to the writer").click()
    tab.get_by_text("Sent back to the writer with your note.").wait_for()

    page.goto(f"{base}/admin/reviews/review/{review.pk}/change/")
    page.locator(".editors-box", has_text="Name the showrunner in the first").wait_for()
    no_violations(axe, page, "writer-sent-back", screenshot)

    tab.goto(f"{base}/admin/reviews/review/{review.pk}/change/")
    tab.select_option("#id_status", "published")
    tab.get_by_role("button", name="Save", exact=True).click()
    tab.get_by_role("button", name="Publish anyway").first.click()
    tab.get_by_text("was changed successfully").wait_for()
    review.refresh_from_db()
    assert review.is_live
    tab.goto(f"{base}/admin/reviews/reviewaction/?review__id__exact={review.pk}")
    no_violations(axe, tab, "content-log", screenshot)
    assert tab.locator("#result_list").get_by_text("Published").count() == 1
    editor.close()

    reader = browser.new_context(viewport=page.viewport_size)
    article = reader.new_page()
    article.goto(base + review.get_absolute_url())
    assert article.locator(".review__byline").inner_text().startswith("By Wren Hale")
    reader.close()


def test_a_second_browsers_stale_save_is_refused_with_the_typed_text_kept(
    live_server, browser, page, axe, screenshot, newsroom
):
    base = live_server.url
    review = Review.objects.get(slug="ballard-season-1-review")
    url = f"{base}/admin/reviews/review/{review.pk}/change/"
    log_in(page, base, "editor")
    page.goto(url)

    other = browser.new_context(viewport=page.viewport_size)
    second = other.new_page()
    log_in(second, base, "colleague")
    second.goto(url)
    second.fill("#id_verdict", "Their verdict, saved first")
    second.get_by_role("button", name="Save and continue editing").click()
    second.get_by_text("was changed successfully").wait_for()
    other.close()

    page.fill("#id_verdict", "My verdict, typed over ten minutes")
    page.get_by_role("button", name="Save and continue editing").click()
    alert = page.get_by_role("alert").filter(has_text="Not saved: Cole Reyes saved this review")
    alert.wait_for()
    assert page.input_value("#id_verdict") == "My verdict, typed over ten minutes"
    assert alert.get_by_role("link", name=re.compile("Compare the version")).count() == 1
    no_violations(axe, page, "conflict", screenshot)
    review.refresh_from_db()
    assert review.verdict == "Their verdict, saved first"

    page.get_by_label("Save my version over theirs").check()
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    review.refresh_from_db()
    assert review.verdict == "My verdict, typed over ten minutes"
