"""The review form in Chromium, as the desk reworked it: credits in a compact table (one
row each, every input named, reordered by dragging), and sections that fold to their
heading (never over an error). axe runs on the form as it changes, at 390 and 1280 px;
screenshots go to DESK_SHOTS (test-artifacts/desk by default) as review-form-*.png."""

import pytest

from demo.content import BALLARD_SLUG
from reviews.models import Profile, Review
from reviewsite.roles import EDITORS
from tests.browser.test_accessibility import PASSWORD
from tests.browser.test_accessibility import log_in as log_in_to_site
from tests.browser.test_desk import clean, drag
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ballard(load_demo, transactional_db):
    load_demo()
    editor = make_user("editor", groups=[EDITORS], is_staff=True, password=PASSWORD)
    Profile.objects.create(user=editor, display_name="Eddie Marsh")
    return Review.objects.get(slug=BALLARD_SLUG)


def open_form(tab, base: str, review) -> None:
    log_in_to_site(tab, base, "editor")
    tab.goto(f"{base}/admin/reviews/review/{review.pk}/change/")


def people(tab) -> list[str]:
    return tab.eval_on_selector_all(
        "#credits-group tr.form-row:not(.empty-form) input[name$='-person']",
        "inputs => inputs.map(i => i.value).filter(Boolean)",
    )


def test_credits_are_a_table_one_row_each_reordered_by_dragging(
    live_server, page, axe, shoot, ballard
):
    open_form(page, live_server.url, ballard)
    credits = page.locator("#credits-group")
    assert credits.locator("table").count() == 1
    first = credits.get_by_role("textbox", name="Person, credit 1")
    assert first.input_value() == "Maggie Q"
    assert credits.get_by_role("textbox", name="Role, credit 1").input_value() == "Renée Ballard"
    # One row a credit: the person and the role side by side.
    person, role = first.bounding_box(), credits.get_by_role("textbox", name="Role, credit 1")
    assert abs(person["y"] - role.bounding_box()["y"]) < 5
    credits.scroll_into_view_if_needed()
    shoot(page, "review-form-credits")
    clean(axe, page, "review form with the credits table")
    # At either width a row's Move and Delete are in view (a phone wraps each row), and
    # a photo's file input stays inside its row.
    width = page.viewport_size["width"]
    row = credits.locator("tr.form-row.has_original").first
    for control in (row.get_by_role("button", name="Move down"), row.locator("td.delete input")):
        box = control.bounding_box()
        assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    photo = page.locator("#figures-group .field-image").first
    assert photo.evaluate("row => row.scrollWidth <= row.clientWidth + 1")

    before = people(page)
    drag(page, "#credits-1 td.original", "#credits-0 td.original")
    assert people(page) == [before[1], before[0], *before[2:]]
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    assert [c.person for c in ballard.credits.all()][:2] == [before[1], before[0]]
    # "Move up" still works in the table, with the script moving the row in place.
    page.locator("#credits-group").get_by_role("button", name=f"Move up {before[0]}").click()
    assert people(page)[:2] == [before[0], before[1]]


def test_sections_fold_to_their_heading_and_never_over_an_error(
    live_server, page, axe, shoot, ballard
):
    open_form(page, live_server.url, ballard)
    sections = page.locator("#sections-group")
    body = page.locator("#id_sections-1-body")
    heading = page.locator("#id_sections-1-heading").input_value()
    assert body.is_visible()
    sections.locator("#sections-1").get_by_role("button", name="Collapse this section").click()
    assert not body.is_visible()
    assert heading in sections.locator("#sections-1 h3").inner_text()
    toggle = sections.locator("#sections-1").get_by_role("button", name="Expand this section")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert body.is_visible()

    sections.get_by_role("button", name="Collapse all sections").click()
    assert not page.locator("#id_sections-0-body").is_visible() and not body.is_visible()
    shoot(page, "review-form-sections-folded")
    clean(axe, page, "review form, sections folded")

    # A refusal from the server: the section with the error stays open when all fold.
    sections.get_by_role("button", name="Expand all sections").click()
    page.fill("#id_sections-0-body", "")
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator("#sections-0 .errorlist").wait_for()
    page.locator("#sections-group").get_by_role("button", name="Collapse all sections").click()
    assert page.locator("#id_sections-0-body").is_visible()
    assert not page.locator("#id_sections-1-body").is_visible()


def test_without_javascript_every_section_stays_open(live_server, browser, viewport, ballard):
    from tests.conftest import VIEWPORTS

    quiet = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=False)
    tab = quiet.new_page()
    open_form(tab, live_server.url, ballard)
    assert tab.locator("#id_sections-0-body").is_visible()
    assert tab.get_by_role("button", name="Collapse all sections").count() == 0
    quiet.close()


def test_the_ensemble_photo_sits_under_its_heading_on_screen_and_in_print(
    live_server, page, ballard
):
    """The seed places it in section 4, before the first paragraph (Figure.paragraph 0)."""
    page.goto(f"{live_server.url}{ballard.get_absolute_url()}")
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        section = page.locator(
            ".review__section",
            has=page.get_by_role("heading", name="A Cold Case Unit Worth Rooting For"),
        )
        photo = section.locator(".figure")
        assert photo.is_visible(), media
        heading = section.get_by_role("heading").bounding_box()
        first = section.locator("p").first.bounding_box()
        top = photo.bounding_box()["y"]
        assert heading["y"] < top < first["y"], media


def test_refresh_preview_shows_the_unsaved_text_and_saves_nothing(
    live_server, page, axe, shoot, ballard
):
    open_form(page, live_server.url, ballard)
    pane = page.locator(".review-preview")
    if page.viewport_size["width"] < 1200:
        assert not pane.is_visible()  # "Preview" opens the saved version in a new tab
        return
    page.fill("#id_headline", "A headline typed a moment ago")
    page.fill("#id_sections-1-body", "A first paragraph typed a moment ago.")
    pane.get_by_role("button", name="Refresh preview").click()
    frame = page.frame_locator(".review-preview__frame")
    frame.get_by_role("heading", name="A headline typed a moment ago").wait_for()
    frame.get_by_text("A first paragraph typed a moment ago.").wait_for()
    frame.get_by_text("Preview of the form as it is now, not saved").wait_for()
    shoot(page, "review-form-preview-unsaved")
    clean(axe, page, "review form after Refresh preview")
    ballard.refresh_from_db()
    assert ballard.headline != "A headline typed a moment ago"
    assert page.locator("#id_headline").input_value() == "A headline typed a moment ago"
