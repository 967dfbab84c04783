"""A reader votes in the demo review's poll in Chromium, on a phone and on a desktop."""

import json

import pytest

from demo.content import BALLARD_SLUG
from tests.conftest import VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def poll_shot(page, screenshot, name):
    """The whole page (the shared fixture) and, beside it, the poll alone."""
    path = screenshot(page, name)
    page.locator("#poll").screenshot(path=str(path.with_name(f"{path.stem}-poll.png")))


def vote_yes_and_check(page, live_server, screenshot, axe, name):
    url = f"{live_server.url}/reviews/{BALLARD_SLUG}/"
    page.goto(url)
    poll = page.locator("#poll")
    poll.scroll_into_view_if_needed()
    assert poll.locator("form input[name=choice]").count() == 3
    assert axe is None or axe(page) == []
    poll_shot(page, screenshot, f"{name}-before")

    poll.locator("label", has_text="Yes").click()
    assert page.get_by_label("Yes", exact=True).is_checked()
    poll.get_by_role("button", name="Vote").click()

    results = page.locator("#poll .poll__results")
    results.wait_for()
    yes = page.locator("#poll .poll__result", has_text="Yes")
    assert "100%" in yes.inner_text()
    assert yes.locator(".poll__mine").text_content() == "Your vote"
    text = page.locator("#poll").inner_text()
    assert "Thanks: your vote is counted." in text and "1 vote" in text
    assert page.locator("#poll form").count() == 0
    box = page.locator("#poll").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert axe is None or axe(page) == []  # results, bars and message are accessible too
    poll_shot(page, screenshot, f"{name}-after")

    page.goto(url)
    page.locator("#poll .poll__results").wait_for()
    assert page.locator("#poll form").count() == 0
    assert "100%" in page.locator("#poll .poll__result", has_text="Yes").inner_text()
    data = json.loads(page.request.get(f"{url}poll/results.json").text())
    yes_json = data["choices"][0]
    assert data["total"] == 1 and (yes_json["text"], yes_json["percent"]) == ("Yes", 100)


def test_reader_votes_yes_and_keeps_seeing_the_results(
    load_demo, live_server, page, screenshot, axe
):
    load_demo()
    vote_yes_and_check(page, live_server, screenshot, axe, "poll")


def test_voting_works_without_javascript(load_demo, live_server, browser, viewport, screenshot):
    load_demo()
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        # axe-core is a script, so it cannot run here; the markup is the same as above.
        vote_yes_and_check(page, live_server, screenshot, None, "poll-nojs")
    finally:
        context.close()
