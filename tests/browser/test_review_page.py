"""The demo review as a reader sees it in Chromium, on a phone and on a desktop."""

import pytest

from demo.content import BALLARD_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_review_shows_figures_with_captions_and_credits(
    load_demo, live_server, page, screenshot
):
    load_demo()
    page.goto(f"{live_server.url}/reviews/{BALLARD_SLUG}/")
    assert page.locator("h1").inner_text().startswith("‘Ballard’ Season 1 Review")
    # The review's photos (the season's arc is a figure of its own, drawn, not a photo).
    figures = page.locator("article figure").filter(has=page.locator("img"))
    assert figures.count() == 3
    for index in range(3):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        image = figure.locator("img")
        image.wait_for(state="visible")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        box = image.bounding_box()
        assert box["width"] > 300 and box["height"] > 150  # loaded and laid out, not collapsed
        caption = " ".join(figure.locator("figcaption").text_content().split())
        # caption (who is shown), then the credit
        assert caption.index("in BALLARD.") < caption.index("/Prime Video")
    # The credits: beside the text on a desktop, folded after the verdict on a phone.
    assert "Renée Ballard" in page.locator(".factbox").filter(visible=True).text_content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]  # nothing sticks out sideways
    screenshot(page, "review-demo")


def test_home_page_lists_the_demo_reviews(load_demo, live_server, page, screenshot):
    load_demo()
    page.goto(live_server.url)
    assert page.locator("article.card").count() == 8  # five reviews and three episode recaps
    page.locator("article.card a", has_text="Ballard’ Season 1").first.click()
    page.wait_for_url(f"**/reviews/{BALLARD_SLUG}/")
    screenshot(page, "home")
