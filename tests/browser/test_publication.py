"""The publication's chrome in Chromium: the masthead on a phone without JavaScript, the
lead photo within a phone's first screen, no shift when the web fonts arrive, the footer
at the bottom of a short page, and nothing fetched from another site."""

from urllib.parse import urlsplit

import pytest

from demo.content import BALLARD_SLUG
from tests.conftest import VIEWPORTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW = f"/reviews/{BALLARD_SLUG}/"


@pytest.fixture
def demo(load_demo, transactional_db):
    load_demo()


@pytest.fixture
def phone_without_js(browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_masthead_folds_genres_and_platforms_into_more_on_a_phone_without_javascript(
    live_server, demo, phone_without_js, axe, browser
):
    page = phone_without_js
    page.goto(f"{live_server.url}{REVIEW}")
    nav = page.get_by_role("navigation", name="Sections")
    for name in ("Latest", "TV", "Film"):
        assert nav.get_by_role("link", name=name, exact=True).is_visible()
    assert nav.get_by_role("link", name="Prime Video").count() == 0  # folded away
    prime = nav.locator(".nav-menu a", has_text="Prime Video")
    summary = nav.locator("summary")
    assert summary.is_visible()
    box = summary.bounding_box()
    assert box["y"] < 200  # on the same line as TV and Film, not pushed below
    summary.click()
    assert prime.is_visible()
    assert nav.get_by_role("link", name="Crime").is_visible()
    prime.click()
    page.wait_for_url("**/platforms/prime-video/")
    assert page.locator("h1").inner_text() == "Prime Video reviews"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # axe runs as a script, so on a page with JavaScript, with the menu open
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    tab = context.new_page()
    tab.goto(f"{live_server.url}/")
    tab.locator(".nav-menu summary").click()
    assert axe(tab) == []
    context.close()


def test_masthead_shows_every_section_in_a_row_on_a_desktop(live_server, demo, browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Sections")
    assert not nav.locator("summary").is_visible()
    links = [
        nav.get_by_role("link", name=name, exact=True) for name in ("TV", "Crime", "Prime Video")
    ]
    assert all(link.is_visible() for link in links)
    tops = [link.bounding_box()["y"] for link in links]
    assert max(tops) - min(tops) < 5  # one row
    context.close()


def test_on_a_phone_the_lead_photo_starts_within_the_first_screen(live_server, demo, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(f"{live_server.url}{REVIEW}")
    photo = page.locator(".figure--lead img")
    assert photo.bounding_box()["y"] < VIEWPORTS["phone"]["height"] * 0.75
    header = page.locator(".review__header")
    assert "Critic’s score: 7 out of 10" in header.inner_html()
    assert "No ratings yet" not in header.inner_text()  # readers' line once there are some
    context.close()


def test_web_fonts_arrive_without_moving_anything(live_server, demo, page):
    """CLS 0: the fallback faces are sized like the web fonts they stand in for."""
    page.add_init_script(
        "window.__shift = 0; new PerformanceObserver(list => { for (const e of list.getEntries())"
        " if (!e.hadRecentInput) window.__shift += e.value }).observe("
        "{type: 'layout-shift', buffered: true});"
    )
    for path in ("/", REVIEW, "/series/ballard/"):
        page.goto(f"{live_server.url}{path}")
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(300)
        loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').length")
        assert loaded >= 2  # the serif and the sans were used and loaded
        assert page.evaluate("window.__shift") < 0.01, path


def test_the_footer_sits_at_the_bottom_of_a_short_page(live_server, demo, page):
    page.goto(f"{live_server.url}/search/?q=zeppelin")
    footer = page.locator(".site-footer").bounding_box()
    height = page.viewport_size["height"]
    assert abs(footer["y"] + footer["height"] - height) <= 1


def test_pages_fetch_nothing_from_another_site(live_server, demo, page):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    for path in ("/", REVIEW, "/series/ballard/", "/tv/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(live_server.url).netloc}


def test_reply_without_javascript_opens_the_form_under_the_comment_and_posts_there(
    live_server, demo, phone_without_js, settings
):
    from comments.models import Comment
    from reviews.models import Review
    from tests.factories import make_comment

    settings.COMMENT_MIN_SECONDS = 0  # a robot-fast test is not a robot
    review = Review.objects.get(slug=BALLARD_SLUG)
    tom = make_comment(review, name="Tom H.", body="The cold cases work.")
    make_comment(review, name="Ann", body="Too tidy for me.")
    page = phone_without_js
    page.goto(f"{live_server.url}{REVIEW}")
    page.locator(f"#comment-{tom.pk}").get_by_role("link", name="Reply to Tom H.").click()
    page.wait_for_url(f"**?reply_to={tom.pk}#comment-form")
    form = page.locator(f"#comment-{tom.pk} #comment-form")
    assert form.is_visible() and "Replying to Tom H." in form.inner_text()
    top = page.evaluate("document.querySelector('#comment-form').getBoundingClientRect().top")
    assert -2 <= top < 200  # the page came back at the form, under Tom's comment
    form.locator("#id_name").fill("Priya")
    form.locator("#id_body").fill("Agreed, and the pacing.")
    form.get_by_role("button", name="Post reply").click()
    page.wait_for_url("**#comment-*")
    reply = Comment.objects.get(name="Priya", parent=tom)  # the demo has a Priya of its own
    assert reply.parent_id == tom.pk
    assert page.locator(f"#comment-{tom.pk} #comment-{reply.pk}").is_visible()
