"""The newsroom desk in Chromium: each role's desk, the Critics page and the review form
with its preview, checked by axe at 390 and 1280 px and photographed (SHOTS); a writer
submits from the add page and an editor opens it from the desk in one click, names the
writer from the Critics page when publishing is refused, and publishes."""

import re

import pytest

from comments import services as comment_services
from demo.content import BALLARD_SLUG
from reviews import services
from reviews.models import Profile, Review
from reviewsite.roles import EDITORS, MODERATORS, WRITERS
from tests.browser.test_accessibility import PASSWORD
from tests.browser.test_accessibility import log_in as log_in_to_site
from tests.factories import make_comment, make_review, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(load_demo, transactional_db, settings):
    settings.COMMENT_MIN_SECONDS = 0
    load_demo()
    writer = make_user("writer", groups=[WRITERS], is_staff=True, password=PASSWORD)
    editor = make_user("editor", groups=[EDITORS], is_staff=True, password=PASSWORD)
    Profile.objects.create(user=editor, display_name="Eddie Marsh")
    make_user("moderator", groups=[MODERATORS], is_staff=True, password=PASSWORD)
    return {"writer": writer, "editor": editor}


def log_in(tab, base: str, username: str) -> None:
    log_in_to_site(tab, base, username)
    tab.goto(f"{base}/admin/")


def clean(axe, tab, what: str) -> None:
    found = axe(tab)
    assert found == [], (what, found)


def test_each_roles_desk_and_the_review_form(live_server, page, axe, shoot, newsroom):
    writer, editor = newsroom["writer"], newsroom["editor"]
    make_review(published=False, author=writer, headline="Half-written: The Pitt, Season 2")
    back = make_review(published=False, author=writer, headline="Severance Season 2 Review")
    services.review_submit(review=back, by=writer)
    services.review_send_back(
        review=back, by=editor, note="Say more about the finale, and check the cast names."
    )
    waiting = make_review(published=False, author=writer, headline="Andor Season 2 Review")
    services.review_submit(review=waiting, by=writer)
    ballard = Review.objects.get(slug=BALLARD_SLUG)
    make_comment(ballard, name="Linky", body="www.a.example", status="pending")
    rude = make_comment(ballard, name="Rude", body="Everyone here is an idiot.")
    comment_services.comment_report(comment=rude, reader="a:one", reason="abuse")
    base = live_server.url

    for role in ("writer", "editor", "moderator"):
        page.context.clear_cookies()
        log_in(page, base, role)
        page.get_by_role("region", name="Your desk").wait_for()
        shoot(page, f"desk-{role}")
        clean(axe, page, f"desk of the {role}")

    # The editor is on the admin's first page: the header counts, the desk opens it.
    assert page.context.cookies()  # still logged in as the moderator: log in as editor
    page.context.clear_cookies()
    log_in(page, base, "editor")
    page.get_by_role("link", name="1 awaiting review").wait_for()
    page.get_by_role("region", name="Your desk").get_by_role("link", name="Critics").click()
    page.get_by_role("link", name="Edit byline of writer").wait_for()
    shoot(page, "critics")
    clean(axe, page, "Critics")
    # The table scrolls within its box; nothing (a hidden label either) widens the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # The reviews list: submitted first, statuses in words, critics by name.
    page.get_by_role("link", name="1 awaiting review").click()
    page.goto(f"{base}/admin/reviews/review/")
    first_row = page.locator("#result_list tbody tr").first
    assert "Andor Season 2 Review" in first_row.inner_text()
    assert "Submitted" in first_row.inner_text()
    assert page.locator("#result_list").get_by_text("Sent back").count() == 1
    shoot(page, "reviews-list")
    clean(axe, page, "reviews list")

    page.goto(f"{base}/admin/")
    page.get_by_role("region", name="Your desk").get_by_role(
        "link", name="Andor Season 2 Review"
    ).first.click()  # in the awaiting list (the content log lists it too)
    page.locator(".editors-box", has_text="Submitted for review on").wait_for()
    preview = page.locator(".review-preview__frame")
    if page.viewport_size["width"] >= 1200:
        assert preview.is_visible()
        page.frame_locator(".review-preview__frame").get_by_role(
            "heading", name="Andor Season 2 Review"
        ).wait_for()
    else:
        assert not preview.is_visible()
    shoot(page, "review-form-with-preview")
    clean(axe, page, "review form")


def test_writer_submits_from_the_add_page_and_the_editor_publishes_after_naming_them(
    live_server, browser, page, newsroom
):
    base = live_server.url
    log_in(page, base, "writer")
    page.get_by_role("link", name="Write a review").first.click()
    page.wait_for_load_state()  # the whole form, its scripts run, before typing
    page.fill("#id_headline", "Bosch: Legacy Season 3 Review")
    page.fill("#id_standfirst", "A steady season with a gripping finale.")
    page.fill("#id_work_title", "BOSCH: LEGACY")
    page.fill("#id_sections-0-body", "The first paragraph of the draft.")
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_load_state()
    asked = page.locator(".content-checks--asking")
    assert asked.is_visible(), page.locator("#content").inner_text()[:3000]
    asked.get_by_role("button", name="Submit anyway").click()  # no lead photo
    page.get_by_text("Submitted for review: an editor").wait_for()
    review = Review.objects.get(slug="bosch-legacy-season-3-review")
    assert review.is_submitted

    editor = browser.new_context(viewport=page.viewport_size)
    tab = editor.new_page()
    log_in(tab, base, "editor")
    tab.get_by_role("link", name="1 awaiting review").wait_for()
    tab.get_by_role("region", name="Your desk").get_by_role(
        "link", name="Bosch: Legacy Season 3 Review"
    ).first.click()
    tab.wait_for_load_state()  # the whole form, its scripts run, before typing
    tab.select_option("#id_status", "published")
    tab.get_by_role("button", name="Save", exact=True).click()
    refusal = tab.locator(".errorlist", has_text="The byline would read “writer”")
    refusal.wait_for()
    refusal.get_by_role("link", name="set the byline of writer").click()
    tab.wait_for_load_state()  # the whole form, its scripts run, before typing
    tab.fill("#id_display_name", "Wren Hale")
    tab.get_by_role("button", name="Save", exact=True).click()
    tab.get_by_text("byline now reads “Wren Hale”").wait_for()
    tab.goto(f"{base}/admin/reviews/review/{review.pk}/change/")
    tab.select_option("#id_status", "published")
    tab.get_by_role("button", name="Save", exact=True).click()
    tab.get_by_role("button", name="Publish anyway").first.click()  # no lead photo
    tab.get_by_text("was changed successfully").wait_for()
    review.refresh_from_db()
    assert review.is_live and review.byline == "Wren Hale"
    editor.close()

    reader = browser.new_context(viewport=page.viewport_size)
    tab = reader.new_page()
    response = tab.goto(f"{base}/authors/writer/")
    assert tab.url == f"{base}/authors/wren-hale/" and response.ok
    assert response.request.redirected_from.url == f"{base}/authors/writer/"
    assert "writer" not in tab.locator("main").inner_text().lower().split("wren")[0]
    reader.close()


def drag(tab, source: str, target: str) -> None:
    """An HTML drag and drop of source onto the top edge of target."""
    box = tab.locator(target).bounding_box()
    data = tab.evaluate_handle("new DataTransfer()")
    tab.locator(source).dispatch_event("dragstart", {"dataTransfer": data})
    where = {"dataTransfer": data, "clientX": box["x"] + 5, "clientY": box["y"] + 2}
    tab.locator(target).dispatch_event("dragover", where)
    tab.locator(target).dispatch_event("drop", where)
    tab.locator(source).dispatch_event("dragend", {"dataTransfer": data})


def test_writer_writes_five_sections_places_a_photo_after_the_fifth_and_reorders(
    live_server, browser, page, axe, shoot, newsroom, tmp_path
):
    from tests.factories import give_name, image_bytes

    give_name(newsroom["writer"], "Wren Hale")
    photo = tmp_path / "ensemble.jpg"
    photo.write_bytes(image_bytes())
    base = live_server.url
    log_in(page, base, "writer")
    page.goto(f"{base}/admin/reviews/review/add/")
    page.fill("#id_headline", "The Studio Season 1 Review")
    page.fill("#id_standfirst", "Hollywood satire with a big heart.")
    page.fill("#id_work_title", "THE STUDIO")
    sections = page.locator("#sections-group")
    for n in range(5):
        if n:
            sections.get_by_role("button", name=re.compile("add another section", re.I)).click()
        page.fill(f"#id_sections-{n}-heading", f"Part {n + 1}")
        page.fill(f"#id_sections-{n}-body", f"The text of part {n + 1}.")
    # Placed after the fifth section, which is not saved yet: the list follows the form.
    page.select_option("#id_figures-0-position", label="After section 5: “Part 5”")
    page.set_input_files("#id_figures-0-image", str(photo))
    page.fill("#id_figures-0-alt_text", "The cast around a table in a studio office.")
    # Part 5 dragged above Part 4 (the drag's events, as a mouse drag sends them).
    drag(page, "#sections-4 h3", "#sections-3 h3")
    assert page.eval_on_selector_all(
        "#sections-group .inline-related:not(.empty-form) input[name$='-heading']",
        "inputs => inputs.map(i => i.value)",
    ) == ["Part 1", "Part 2", "Part 3", "Part 5", "Part 4"]
    page.get_by_role("button", name="Save and submit for review").click()
    # The photo is not the lead: the checks ask once more, nothing is saved yet, and the
    # re-shown form keeps the order, the placement and the photo (held on the server).
    checks = page.get_by_role(
        "region", name=re.compile(r"^Content checks: \d+ to look at before it is submitted")
    )
    checks.get_by_role("link", name="There is no lead photo (placement 0).").wait_for()
    assert not Review.objects.filter(slug="the-studio-season-1-review").exists()
    assert page.eval_on_selector_all(
        "#sections-group .inline-related:not(.empty-form) input[name$='-heading']",
        "inputs => inputs.map(i => i.value)",
    ) == ["Part 1", "Part 2", "Part 3", "Part 5", "Part 4"]
    page.get_by_text("Chosen and kept").wait_for()
    shoot(page, "review-form-asked-once-more")
    clean(axe, page, "review form asking once more")
    checks.get_by_role("button", name="Submit anyway").click()
    page.get_by_text("Submitted for review: an editor").wait_for()
    review = Review.objects.get(slug="the-studio-season-1-review")
    assert review.is_submitted
    assert [s.heading for s in review.sections.all()] == [
        "Part 1",
        "Part 2",
        "Part 3",
        "Part 5",
        "Part 4",
    ]
    # The photo went with Part 5, now the fourth section.
    assert [f.position for f in review.figures.all()] == [4]

    # Without JavaScript the buttons do it: save, and swap with the neighbour.
    quiet = browser.new_context(viewport=page.viewport_size, java_script_enabled=False)
    tab = quiet.new_page()
    log_in(tab, base, "writer")
    tab.goto(f"{base}/admin/reviews/review/{review.pk}/change/")
    tab.get_by_role("button", name="Move up Part 4").click()
    tab.get_by_text("Saved, and moved.").wait_for()
    assert [s.heading for s in review.sections.all()] == [
        "Part 1",
        "Part 2",
        "Part 3",
        "Part 4",
        "Part 5",
    ]
    assert [f.position for f in review.figures.all()] == [5]  # still after Part 5
    quiet.close()
