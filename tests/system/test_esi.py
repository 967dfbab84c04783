"""Through a real Varnish (the repository's VCL) in front of a real gunicorn: a review page
is one shared copy for every returning reader (another for new readers, whose parts are all
the same), and what is a reader's own (their vote, their comment form) is included into it
with ESI from small private views; without such a cache the parts are rendered inline."""

import shutil
from contextlib import ExitStack, contextmanager

import pytest
import requests

from comments.models import Comment
from tests.comments.posting import stamp
from tests.conftest import require
from tests.factories import make_comment, make_review
from tests.forms import form_data
from tests.servers import app_server, free_port, shared_database_env, varnish_server, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@contextmanager
def running_site(production_env, settings, **env):
    """(Varnish's URL, the application's own URL), the application run with env."""
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    settings.SECRET_KEY = production_env["DJANGO_SECRET_KEY"]  # to sign form stamps as it does
    with ExitStack() as stack:
        app_port, cache_port = free_port(), free_port()
        cache = stack.enter_context(varnish_server(app_port, port=cache_port))
        env = production_env | shared_database_env() | {"RATELIMIT_ENABLE": "0"} | env
        env |= {"REVIEWSITE_HTTP_CACHES": cache.url}
        app = stack.enter_context(app_server(env, port=app_port))
        wait_until(lambda: requests.get(cache.url + "/healthz", timeout=2).status_code == 200, 10)
        settings.HTTP_CACHES = [cache.url]
        yield cache.url, app.url


@pytest.fixture
def site(production_env, settings):
    with running_site(production_env, settings) as urls:
        yield urls


@pytest.fixture
def premoderated_site(production_env, settings):
    """A first comment waits for a moderator there."""
    with running_site(production_env, settings, REVIEWSITE_COMMENT_PREMODERATE="1") as urls:
        yield urls


def vote(reader: requests.Session, base: str, review, text: str) -> None:
    choice = review.poll.choices.get(text=text).pk
    voted = reader.post(
        f"{base}{review.get_absolute_url()}poll/vote/", {"choice": choice}, headers=SAME_ORIGIN
    )
    assert voted.status_code == 200 and "reader" in reader.cookies  # the redirect followed


def comment(reader: requests.Session, base: str, review, **fields) -> requests.Response:
    url = base + review.get_absolute_url()
    data = form_data(reader.get(url, timeout=10).text, "comment-form")
    data |= {"name": "Ines Moreau", "body": "Mine, with controls.", "stamp": stamp()} | fields
    return reader.post(f"{url}comments/", data, headers=SAME_ORIGIN, timeout=10)


def second_visit(reader: requests.Session, url: str) -> requests.Response:
    """A returning reader's page the second time (the first stores the copy readers with
    comments of their own share): a hit, assembled, theirs alone."""
    reader.get(url, timeout=10)
    page = reader.get(url, timeout=10)
    assert page.headers["X-Cache"] == "HIT" and "private" in page.headers["Cache-Control"]
    assert "<esi:" not in page.text
    return page


def test_a_readers_vote_is_in_their_own_poll_and_nowhere_else(site):
    base, _app = site
    review, other = make_review(), make_review()
    url = base + review.get_absolute_url()
    first = requests.get(url, timeout=10)  # a new reader: the shared page is cached
    assert 'name="choice"' in first.text and "<esi:" not in first.text

    voter = requests.Session()
    vote(voter, base, review, "Maybe")
    voter.get(url, timeout=10)  # the copy returning readers share, with ESI, is cached
    mine = voter.get(url, timeout=10)
    assert mine.headers["X-Cache"] == "HIT"  # the shared page...
    assert "Your vote" in mine.text and 'name="choice"' not in mine.text  # ...with their poll
    assert "private" in mine.headers["Cache-Control"] and "<esi:" not in mine.text

    assert "Your vote" not in requests.get(url, timeout=10).text  # a new reader
    elsewhere = requests.Session()  # a reader with a cookie, who voted on another review
    vote(elsewhere, base, other, "No")
    theirs = elsewhere.get(url, timeout=10)
    assert theirs.headers["X-Cache"] == "HIT"
    assert "Your vote" not in theirs.text and 'name="choice"' in theirs.text
    assert "Your vote" in elsewhere.get(base + other.get_absolute_url(), timeout=10).text


def test_a_voters_poll_is_the_cached_copy_every_reader_who_voted_the_same_shares(site):
    base, _app = site
    review = make_review()
    url = base + review.get_absolute_url()
    maybe = review.poll.choices.get(text="Maybe").pk
    first, second, other = requests.Session(), requests.Session(), requests.Session()
    vote(first, base, review, "Maybe")
    vote(second, base, review, "Maybe")
    vote(other, base, review, "No")
    assert first.cookies["voted"] == str(maybe)
    shown = first.get(url, timeout=10)
    assert 'Maybe <span class="poll__mine">Your vote' in shown.text
    # The part was rendered once, for every reader who voted Maybe: the cache has it.
    shared = requests.get(f"{url}poll/voted/{maybe}/", timeout=10)
    assert shared.headers["X-Cache"] == "HIT"
    theirs = second.get(url, timeout=10)
    assert theirs.headers["X-Cache"] == "HIT" and "private" in theirs.headers["Cache-Control"]
    assert 'Maybe <span class="poll__mine">Your vote' in theirs.text
    assert 'No <span class="poll__mine">Your vote' in other.get(url, timeout=10).text


def test_a_voter_without_the_cookie_that_says_how_still_sees_their_vote(site):
    """A reader who voted before the "voted" cookie existed: their poll is asked of the
    application, which finds their vote."""
    base, _app = site
    review = make_review()
    url = base + review.get_absolute_url()
    reader = requests.Session()
    vote(reader, base, review, "No")
    reader.cookies.clear("127.0.0.1", review.get_absolute_url(), "voted")
    assert "voted" not in reader.cookies
    page = reader.get(url, timeout=10)
    assert 'No <span class="poll__mine">Your vote' in page.text and "<esi:" not in page.text


@pytest.mark.parametrize("shield", ["", "?upto=1"], ids=["plain", "shielded"])
def test_a_reader_who_never_signed_a_comment_gets_the_blank_form_from_the_cache(site, shield):
    """Shared by everyone, on a shielded page too, where the form keeps the shield."""
    base, _app = site
    review = make_review()
    url = base + review.get_absolute_url()
    voter = requests.Session()
    vote(voter, base, review, "Yes")
    voter.get(url + shield, timeout=10)  # its form is included from comments/form/{shield}
    blank = requests.get(f"{url}comments/form/{shield}", timeout=10)
    assert blank.headers["X-Cache"] == "HIT" and 'id="comment-form"' in blank.text
    assert f'action="{review.get_absolute_url()}comments/{shield}#comment-form"' in blank.text


def test_a_returning_reader_is_greeted_by_name_on_the_shared_page(site):
    base, _app = site
    review, commented = make_review(), make_review()
    url = base + review.get_absolute_url()
    requests.get(url, timeout=10)
    reader = requests.Session()
    assert comment(reader, base, commented).status_code == 200
    requests.get(url, cookies={"reader": "another"}, timeout=10)  # a returning reader first
    page = reader.get(url, timeout=10)
    assert page.headers["X-Cache"] == "HIT"
    assert 'value="Ines Moreau"' in page.text
    assert 'value="Ines Moreau"' not in requests.get(url, timeout=10).text


def test_a_reader_who_commented_gets_the_shared_page_with_controls_on_their_comment_only(site):
    """Edit and Delete under their comment, from a fragment of their own; every other
    comment's actions, and the page, from copies the cache shares."""
    base, _app = site
    review = make_review()
    other = make_comment(review, body="Somebody else's comment.")
    url = base + review.get_absolute_url()
    requests.get(url, timeout=10)
    reader = requests.Session()
    posted = comment(reader, base, review)
    assert posted.status_code == 200 and "mine" in reader.cookies
    mine = Comment.objects.get(body="Mine, with controls.")
    assert reader.cookies["mine"] == f".{mine.pk}."
    page = second_visit(reader, url)
    assert actions_of(page.text, mine.pk).count("Delete<span") == 1
    assert "Report<span" not in actions_of(page.text, mine.pk)
    assert "Delete<span" not in actions_of(page.text, other.pk)
    assert "Report<span" in actions_of(page.text, other.pk)
    shared = requests.get(f"{base}/comments/{other.pk}/actions/", timeout=10)
    assert shared.headers["X-Cache"] == "HIT"  # the other comment's actions, shared
    assert "Delete<span" not in requests.get(url, timeout=10).text  # a new reader


def test_a_reader_whose_comment_waits_gets_the_shared_page_with_it_and_their_rating(
    premoderated_site,
):
    """A held comment with a rating, and a held reply: the page is the copy returning readers
    with comments of their own share, a hit, with the comment above the list, the reply
    under what it answers and "you rated it" in the ratings and the form, all from parts
    of their own; nobody else sees any of it."""
    base, _app = premoderated_site
    review = make_review()
    answered = make_comment(review, body="The comment answered.")
    url = base + review.get_absolute_url()
    reader = requests.Session()
    assert comment(reader, base, review, rating="4").status_code == 200
    assert comment(reader, base, review, body="My reply.", parent=str(answered.pk)).ok
    held = Comment.objects.get(body="Mine, with controls.")
    reply = Comment.objects.get(body="My reply.")
    assert {held.status, reply.status} == {Comment.Status.PENDING}
    assert reader.cookies["mine"] == f".{held.pk}.{answered.pk}.{reply.pk}.h.r."
    page = second_visit(reader, url)
    assert actions_of(page.text, held.pk).count("Awaiting review") == 1
    assert page.text.index("Mine, with controls.") < page.text.index("The comment answered.")
    under = actions_of(page.text, answered.pk)  # up to the reply, held, inside it
    assert under.rstrip().endswith("<article") and "comment__replies--held" in under
    assert "My reply." in actions_of(page.text, reply.pk)
    assert "Awaiting review" in actions_of(page.text, reply.pk)
    assert page.text.count("You rated this review 4 stars.") == 2  # ratings and the form
    assert "Your rating will count once it is published." in page.text
    others = requests.get(url, cookies={"reader": "another"}, timeout=10).text
    new = requests.get(url, timeout=10).text
    for text in (others, new):
        assert "Mine, with controls." not in text and "My reply." not in text
        assert "You rated" not in text


def test_a_commenter_with_nothing_held_or_rated_gets_those_parts_from_the_cache(site):
    """Only their form and their comment's actions are asked of the application."""
    base, _app = site
    review = make_review()
    url = base + review.get_absolute_url()
    reader = requests.Session()
    assert comment(reader, base, review).status_code == 200
    mine = Comment.objects.get(body="Mine, with controls.")
    assert reader.cookies["mine"] == f".{mine.pk}."
    page = second_visit(reader, url)
    assert "Rate it without writing a comment" in page.text
    for part in ("comments/held/", "ratings/"):  # what the reader's page was given
        assert requests.get(url + part, timeout=10).headers["X-Cache"] == "HIT"


def test_a_reader_who_rated_alone_sees_their_stars_on_a_hit(site):
    base, _app = site
    review = make_review()
    url = base + review.get_absolute_url()
    reader = requests.Session()
    rated = reader.post(f"{url}rating/", {"rating": "3"}, headers=SAME_ORIGIN, timeout=10)
    assert rated.status_code == 200 and "mine" in reader.cookies
    page = second_visit(reader, url)
    assert "Your rating: 3 stars" in page.text and "You rated this review 3 stars." in page.text
    assert "Your rating:" not in requests.get(url, timeout=10).text


def actions_of(html: str, pk: int) -> str:
    """The HTML of one comment up to the next comment."""
    start = html.index(f'id="comment-{pk}"')
    end = html.find('id="comment-', start + 10)
    return html[start : end if end > 0 else None]


def test_without_an_esi_cache_the_same_parts_are_rendered_inline(site):
    _base, app = site
    review = make_review()
    reader = requests.Session()
    vote(reader, app, review, "Yes")
    direct = reader.get(app + review.get_absolute_url(), timeout=10).text
    assert "Your vote" in direct and "<esi:" not in direct and 'id="comment-form"' in direct
