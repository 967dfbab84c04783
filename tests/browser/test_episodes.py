"""Episodes in a real browser: a rating alone and the spoiler shield with JavaScript off,
the season's arc on a phone, and axe on the new pages."""

import pytest
from playwright.sync_api import expect

from demo.content import BALLARD_SLUG
from tests.conftest import VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEASON = f"/reviews/{BALLARD_SLUG}/"
RECAP = "/reviews/ballard-season-1-episode-2-recap/"


@pytest.fixture
def demo(load_demo, transactional_db, settings):
    settings.RATELIMIT_ENABLE = False
    load_demo()


@pytest.fixture
def no_js(browser, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def arc_row(page, episode: int) -> list[str]:
    """The arc table's cells for an episode: critic, readers' average, how many rated."""
    row = page.locator(".arc__table tr", has=page.locator(f"th:text-is('Episode {episode}')"))
    return row.first.locator("td").all_inner_texts()


def test_a_reader_rates_an_episode_without_commenting_and_javascript_off(live_server, demo, no_js):
    page = no_js
    page.goto(live_server.url + SEASON)
    assert arc_row(page, 2) == ["6", "3.4", "5"]
    page.goto(live_server.url + RECAP)
    page.locator(".rating-alone label[for='rating-alone-5']").click()
    page.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_text("Thank you: your rating of 5 stars is saved.")).to_be_visible()
    assert "Rated 3.7 out of 5 stars · 6 ratings" in page.locator("#rating-summary").inner_text()
    assert page.get_by_text("Your rating: 5 stars. Change it").is_visible()
    # Changed, not added: still six ratings.
    page.locator(".rating-alone label[for='rating-alone-1']").click()
    page.get_by_role("button", name="Change my rating").click()
    expect(page.locator("#rating-summary")).to_contain_text("Rated 3 out of 5 stars · 6 ratings")
    page.goto(live_server.url + SEASON)
    assert arc_row(page, 2) == ["6", "3", "6"]


def test_the_spoiler_shield_works_with_javascript_off(live_server, demo, no_js):
    page = no_js
    page.goto(live_server.url + SEASON)
    assert page.get_by_text("eight’s reveal").count() == 1
    page.get_by_label("I’m up to episode").select_option("1")
    page.get_by_role("button", name="Hide later episodes").click()
    page.wait_for_url("**upto=1**")
    guide = page.locator("#episodes")
    assert guide.get_by_text("Episode 2 — you haven’t watched this yet").is_visible()
    assert "Volunteers" not in guide.inner_text()
    fold = page.locator("details", has_text="Contains spoilers for episode 8")
    assert fold.is_visible()
    assert not fold.get_by_text("eight’s reveal").is_visible()
    # The shield follows the reader to the recap, and its next-episode link stays folded.
    page.get_by_role("link", name="Episode 1", exact=True).click()
    page.wait_for_url("**upto=1**")
    expect(page.get_by_text("Episode 2 — you haven’t watched this yet")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_arc_is_readable_on_a_phone(live_server, demo, page, screenshot):
    page.goto(live_server.url + SEASON)
    arc = page.locator(".arc__chart").first
    arc.scroll_into_view_if_needed()
    box = arc.bounding_box()
    assert 300 <= box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('.arc__chart text')]"
        ".filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 11, smallest  # text as tall as the page's small print
    screenshot(page, "episodes-arc")


@pytest.mark.parametrize(
    "path",
    ["/series/ballard/", "/series/ballard/?upto=1", RECAP, f"{RECAP}?upto=1", f"{SEASON}?upto=2"],
)
def test_axe_finds_nothing_on_the_episode_pages(live_server, demo, page, axe, path):
    page.goto(live_server.url + path)
    assert axe(page) == []


def test_the_shield_is_remembered_in_this_browser_only_when_asked(live_server, demo, page):
    page.goto(live_server.url + SEASON)
    page.get_by_label("I’m up to episode").select_option("2")
    page.get_by_role("button", name="Hide later episodes").click()
    page.goto(live_server.url + "/series/ballard/")
    assert "upto" not in page.url  # not asked: nothing kept
    page.get_by_label("I’m up to episode").select_option("2")
    page.get_by_label("Remember on this browser").check()
    page.get_by_role("button", name="Hide later episodes").click()
    page.goto(live_server.url + SEASON)
    page.wait_for_url("**upto=2**")
    assert page.get_by_text("Episode 3 — you haven’t watched this yet").is_visible()
    page.get_by_role("link", name="Show every episode").click()
    page.wait_for_load_state()
    assert "upto" not in page.url
    page.goto(live_server.url + "/series/ballard/")
    assert "upto" not in page.url
