"""The publication's front and reading in Chromium: an editor's picks reach a new reader
through a real Varnish within a second; both scores on one line on every card; the review
in reading order on a phone and a desktop; axe in the light and the dark scheme; print
to PDF without forms and with the verdict."""

import io
import shutil
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from comments.models import Comment
from demo.content import BALLARD_SLUG
from frontpage.models import FrontPage, FrontPick
from reviews.models import Review
from reviewsite.roles import EDITORS
from tests.conftest import ARTIFACTS, VIEWPORTS
from tests.factories import make_comment, make_user
from tests.servers import wait_until
from tests.system.test_varnish import WITHIN, start_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW = f"/reviews/{BALLARD_SLUG}/"
PASSWORD = "a long enough password 1"
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture
def demo(load_demo, transactional_db):
    load_demo()
    review = Review.objects.get(slug=BALLARD_SLUG)
    for stars in (5, 4, 4):
        make_comment(review, rating=stars, body="The cold cases work, and Maggie Q holds it.")


@pytest.fixture
def chosen(demo):
    """A lead and two picks, as an editor would have set them."""
    reviews = list(Review.objects.published().order_by("-published_at"))
    front = FrontPage.load()
    front.lead = reviews[2]
    front.save()
    for order, review in enumerate(reviews[:2], start=1):
        FrontPick.objects.create(front=front, review=review, order=order)
    return reviews


def tab(browser, viewport: str, **options):
    context = browser.new_context(viewport=VIEWPORTS[viewport], **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_an_editors_lead_and_picks_reach_a_new_reader_through_varnish_within_a_second(
    production_env, settings, demo, browser
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user("ed", groups=[EDITORS], is_staff=True, password=PASSWORD)
    lead, first, second = Review.objects.published().order_by("published_at")[:3]
    with ExitStack() as stack:
        cache, _app = start_pair(stack, production_env)
        home = requests.get(cache + "/", timeout=5)
        assert "Editors’ picks" not in home.text  # cached now, as every new reader gets it
        assert requests.get(cache + "/", timeout=5).headers["X-Cache"] == "HIT"

        editor = tab(browser, "desktop")
        editor.goto(cache + "/admin/login/?next=/admin/")
        editor.fill("#id_username", "ed")
        editor.fill("#id_password", PASSWORD)
        editor.click("input[type=submit]")
        editor.get_by_role("link", name="Front page", exact=True).click()
        editor.wait_for_load_state()  # the whole form, its scripts run, before typing
        editor.select_option("#id_lead", str(lead.pk))
        editor.select_option("#id_picks-0-review", str(first.pk))
        editor.fill("#id_picks-0-order", "1")
        editor.select_option("#id_picks-1-review", str(second.pk))
        editor.fill("#id_picks-1-order", "2")
        editor.click("input[name=_continue]")
        assert "was changed successfully" in editor.locator(".messagelist").inner_text()
        editor.context.close()

        def picked() -> bool:
            html = requests.get(cache + "/", timeout=5).text
            if "Editors’ picks" not in html:
                return False
            lead_part, picks_part = html.split('class="front-picks"', 1)
            return lead.headline in lead_part.split('class="front-lead"', 1)[-1] and (
                picks_part.index(first.headline) < picks_part.index(second.headline)
            )

        assert wait_until(picked, WITHIN)


def test_a_long_lead_headline_sits_beside_its_photo_not_below_it(live_server, chosen, browser):
    front = FrontPage.load()
    front.lead = Review.objects.get(slug=BALLARD_SLUG)  # a 77-character headline
    front.save()
    page = tab(browser, "desktop")
    page.goto(live_server.url + "/")
    lead = page.locator(".front-lead")
    photo = lead.locator(".card__image").bounding_box()
    headline = lead.locator(".card__headline").bounding_box()
    assert len(lead.locator(".card__headline").inner_text()) > 70
    assert headline["height"] < photo["height"] * 0.6, (headline, photo)
    page.context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_both_scores_sit_on_one_line_on_every_card(live_server, chosen, browser, viewport):
    page = tab(browser, viewport)
    for path in ("/", "/tv/", "/genres/crime/", "/platforms/prime-video/"):
        page.goto(live_server.url + path)
        lines = page.locator(".card__scores")
        assert lines.count() >= 2, path
        for line in lines.all():
            assert line.locator(".score-badge").count() == 1
            box = line.bounding_box()
            assert box["height"] < 40, (path, box)  # one line, no wrap
            assert line.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), path
        rated = page.locator(".card__scores", has_text="3 ratings").first
        assert "4.3" in rated.inner_text()
    page.context.close()


def test_the_review_reads_in_order_on_a_phone(live_server, demo, browser):
    page = tab(browser, "phone")
    page.goto(live_server.url + REVIEW)
    y = {
        part: page.locator(selector).first.bounding_box()
        for part, selector in [
            ("verdict", ".verdict"),
            ("credits", ".factbox--fold"),
            ("poll", ".poll"),
            ("comments", ".comments"),
            ("read next", ".related"),
        ]
    }
    tops = [box["y"] for box in y.values()]
    assert tops == sorted(tops), y
    verdict_end = y["verdict"]["y"] + y["verdict"]["height"]
    assert y["poll"]["y"] - verdict_end < VIEWPORTS["phone"]["height"] / 2  # within a screen
    assert not page.locator(".factbox--side").is_visible()
    page.locator(".factbox--fold summary").click()
    assert "Renée Ballard" in page.locator(".factbox--fold").inner_text()
    masthead = page.locator(".masthead").bounding_box()
    assert masthead["height"] <= VIEWPORTS["phone"]["height"] / 5
    header = page.locator(".review__header").inner_text()
    assert "No ratings yet" not in header and "3 ratings" in header
    page.context.close()


def test_on_a_desktop_the_credits_sit_beside_the_text(live_server, demo, browser):
    page = tab(browser, "desktop")
    page.goto(live_server.url + REVIEW)
    body, credits = page.locator(".review__body").bounding_box(), page.locator(".factbox--side")
    assert credits.is_visible() and not page.locator(".factbox--fold").is_visible()
    box = credits.bounding_box()
    assert box["x"] >= body["x"] + body["width"] and box["y"] < body["y"] + body["height"]
    tops = [page.locator(s).bounding_box()["y"] for s in (".verdict", ".poll", ".comments")]
    assert tops == sorted(tops) and tops[-1] < page.locator(".related").bounding_box()["y"]
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_axe_finds_nothing_in_either_colour_scheme(
    live_server, chosen, browser, axe, scheme, viewport
):
    make_comment(chosen[0], body="Held back.", status=Comment.Status.PENDING)
    page = tab(browser, viewport, color_scheme=scheme)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in [("home", "/"), ("review", REVIEW), ("about", "/about/"), ("tv", "/tv/")]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        scheme_now = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert scheme_now == (scheme == "dark")
        assert axe(page) == [], (scheme, viewport, path)
        page.screenshot(path=str(SHOTS / f"front-{name}-{scheme}-{viewport}.png"))
    # Photos show, and the score badge stands out from the page, in both schemes.
    page.goto(live_server.url + REVIEW)
    assert page.locator(".figure--lead img").evaluate("img => img.complete && img.naturalWidth")
    badge, paper = page.evaluate(
        "() => [getComputedStyle(document.querySelector('.review__meta .score-badge'))"
        ".backgroundColor, getComputedStyle(document.body).backgroundColor]"
    )
    assert badge != paper
    page.context.close()


def test_print_keeps_the_review_and_drops_forms_and_controls(live_server, demo, browser):
    from pypdf import PdfReader

    page = tab(browser, "desktop")
    page.goto(live_server.url + REVIEW)
    page.emulate_media(media="print")
    black = "rgb(0, 0, 0)"
    for selector in (".verdict__line", ".score-badge__number", ".review__body p", "h1"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).color") == black
    for selector in ("form", ".masthead__nav", ".comment__actions", "button"):
        assert not page.locator(selector).first.is_visible(), selector
    pdf = page.pdf(format="A4", print_background=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "front-review-print.pdf").write_bytes(pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    # Letter-spaced headings come out of a PDF as spaced letters ("OU R VERD ICT").
    assert "ourverdict" in flat.replace(" ", "").lower()
    assert "A dependable, well-acted procedural" in flat
    assert "7/10" in flat.replace(" ", "")
    assert "Maggie Q (Renée Ballard) in BALLARD." in flat and "Prime Video" in flat  # captions
    assert f"{live_server.url}{REVIEW}" in flat.replace(" ", "")  # the page's address
    controls = ("Will you watch?", "One vote per reader", "Post comment", "Search", "Reply")
    for control in (*controls, "Report", "Community guidelines"):
        assert control not in flat, control
    if shutil.which("pdftoppm"):  # the first page as a picture, for people to look at
        out = Path(SHOTS / "front-review-print")
        pdf_path = SHOTS / "front-review-print.pdf"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", pdf_path, out], check=True
        )
    page.context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_editor_may_drag_the_picks_into_order(live_server, chosen, browser, viewport):
    """By drag at a desk, by Move down on a phone, whose rows wrap to keep it in view."""
    make_user("ed", groups=[EDITORS], is_staff=True, password=PASSWORD)
    page = tab(browser, viewport)
    page.goto(live_server.url + "/admin/login/?next=/admin/frontpage/frontpage/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    rows = page.locator("#picks-group tr.form-row.has_original")
    rows.first.wait_for()
    assert rows.count() == 2
    if viewport == "phone":
        width = page.viewport_size["width"]
        move, delete = (
            rows.nth(0).locator(".editors-move").last,
            rows.nth(0).locator("td.delete input"),
        )
        assert move.inner_text().startswith("Move down")
        for control in (move, delete):
            box = control.bounding_box()
            assert box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        move.click()
    else:
        # by the row's title line (a drag that starts on its select would open the select)
        rows.nth(1).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    order = [pick.review for pick in FrontPick.objects.order_by("order")]
    assert order == [chosen[1], chosen[0]]
    page.context.close()
