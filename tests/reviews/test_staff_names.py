"""Staff screens name colleagues as readers know them: by their display name (their
byline), not their login name. The login name shows only where it tells accounts apart
(a list of accounts to pick from), and for a log entry whose account is gone."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews import revisions, services
from reviews.models import ReviewAction, ScheduledChange
from tests.factories import give_name, make_review, make_user
from tests.reviews.editing import change_url, compare_url, history_url, open_form, save

pytestmark = pytest.mark.django_db

#: Login names found nowhere in the site's own wording, so a page that shows one is caught.
WREN, EDDIE, CLEO = "wren_login", "eddie_login", "cleo_login"


@pytest.fixture
def wren(db):
    return give_name(make_user(WREN, groups=["Writers"], is_staff=True), "Wren Hale")


@pytest.fixture
def eddie(db):
    return give_name(make_user(EDDIE, groups=["Editors"], is_staff=True), "Eddie Marsh")


@pytest.fixture
def cleo(db):
    return give_name(make_user(CLEO, groups=["Editors"], is_staff=True), "Cleo Park")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def part(html: str, start: str, end: str) -> str:
    """The HTML from the first `start` to the next `end` (a panel, a table)."""
    return html[html.index(start) :].split(end, 1)[0]


def sent_back(wren, eddie):
    review = make_review(published=False, author=wren, headline="Needs work")
    services.review_submit(review=review, by=wren)
    services.review_send_back(review=review, by=eddie, note="Cut the second section.")
    return review


def test_a_writer_sees_who_sent_their_review_back_and_their_own_byline(wren, eddie):
    review = sent_back(wren, eddie)
    html = page(logged_in(wren), change_url(review))
    shown = text(html)
    assert "Sent back by Eddie Marsh on" in shown and "Cut the second section." in shown
    assert "Author: Wren Hale" in shown
    assert EDDIE not in html and WREN not in html


def test_the_history_and_the_comparison_say_who_saved_by_name(wren, eddie):
    review = make_review(published=False, author=wren, headline="Two hands")
    first = revisions.review_save_revision(review=review, by=wren, comment="First draft.")
    second = revisions.review_save_revision(review=review, by=eddie, comment="Tightened.")
    editor = logged_in(eddie)

    history = page(editor, history_url(review))
    table = text(part(history, '<table class="revisions"', "</table>"))
    assert "Wren Hale First draft." in table and "Eddie Marsh Tightened." in table
    assert WREN not in history and EDDIE not in history

    compare = page(editor, f"{compare_url(review)}?old={first.pk}&new={second.pk}")
    assert re.search(r"by Wren Hale to the one of .* by Eddie Marsh\.", text(compare))
    assert WREN not in compare and EDDIE not in compare

    restore = page(editor, f"/admin/reviews/review/{review.pk}/history/{first.pk}/restore/")
    assert "by Wren Hale (First draft.)?" in text(restore) and WREN not in restore


def test_the_content_log_names_people_by_their_byline(wren, eddie):
    review = sent_back(wren, eddie)
    editor = logged_in(eddie)

    listed = page(editor, "/admin/reviews/reviewaction/")
    rows = text(part(listed, 'id="result_list"', "</table>"))
    assert "Wren Hale Submitted for review" in rows
    assert "Eddie Marsh Sent back to the writer" in rows
    assert WREN not in rows and EDDIE not in rows
    # Its "By person" filter picks an account: the login name tells two Sam Lees apart.
    assert "Wren Hale (wren_login)" in text(listed)

    desk = text(part(page(editor, "/admin/"), 'id="desk-log"', "</section>"))
    assert "Wren Hale · submitted for review Needs work" in desk
    assert "Eddie Marsh · sent back to the writer Needs work" in desk
    assert WREN not in desk and EDDIE not in desk

    entry = ReviewAction.objects.get(review=review, action="send_back")
    shown = text(page(editor, f"/admin/reviews/reviewaction/{entry.pk}/change/"))
    assert "Person: Eddie Marsh" in shown and "Account: eddie_login" in shown


def test_the_content_log_keeps_the_login_name_of_an_account_since_deleted(wren, eddie):
    gone = give_name(make_user("gone_login", groups=["Writers"], is_staff=True), "Gone Away")
    review = make_review(published=False, author=gone, headline="Orphaned")
    services.review_submit(review=review, by=gone)
    gone.delete()
    rows = text(
        part(page(logged_in(eddie), "/admin/reviews/reviewaction/"), 'id="result_list"', "</table>")
    )
    assert "gone_login Submitted for review" in rows


def test_the_edit_conflict_names_who_saved_by_their_byline(wren, eddie, cleo):
    review = make_review(published=False, author=wren, headline="Contested")
    mine, theirs = logged_in(eddie), logged_in(cleo)
    save(mine, review)  # a first revision, as after any admin save
    typed = open_form(mine, review)
    save(theirs, review, standfirst="Theirs, saved first.")
    response = save(mine, review, typed, standfirst="Mine.")
    assert response.status_code == 200
    html = response.content.decode()
    assert text(html).count("Not saved: Cleo Park saved this review at") == 2  # box, message
    assert CLEO not in part(html, "editors-box--conflict", "</div>")
    assert CLEO not in part(html, 'class="errorlist nonfield"', "</ul>")


def test_the_scheduled_change_box_names_who_saved_it(wren, eddie):
    review = make_review(author=wren, headline="Embargoed")
    revisions.review_save_revision(review=review, by=eddie, comment="Published.")
    editor = logged_in(eddie)
    data = open_form(editor, review) | {"headline": "Corrected"}
    at = timezone.localtime(timezone.now() + timedelta(hours=2))
    data |= {"go_live_at_0": f"{at:%Y-%m-%d}", "go_live_at_1": f"{at:%H:%M:%S}"}
    assert editor.post(change_url(review), data).status_code == 302
    change = ScheduledChange.objects.get()

    form = page(editor, change_url(review))
    assert "(saved by Eddie Marsh): until then readers see the review" in text(form)
    assert "saved by eddie_login" not in form
    cancel = page(editor, f"/admin/reviews/review/{review.pk}/scheduled/{change.pk}/cancel/")
    assert "(saved by Eddie Marsh)?" in text(cancel) and EDDIE not in cancel


def test_an_editor_editing_a_writers_byline_sees_the_writers_name_in_the_title(wren, eddie):
    form = logged_in(eddie).get(f"/admin/reviews/profile/critic/{wren.pk}/", follow=True)
    assert "<h1>Byline of Wren Hale</h1>" in form.content.decode()


def test_names_on_the_log_and_the_history_cost_no_query_per_person(wren, eddie):
    review = make_review(published=False, author=wren, headline="Busy")
    editor = logged_in(eddie)

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            page(editor, url)
        return len(queries)

    def by_someone_new(n):
        someone = give_name(make_user(groups=["Writers"], is_staff=True), f"Critic {n}")
        revisions.review_save_revision(review=review, by=someone, comment=f"Save {n}.")
        ReviewAction.record(review=review, by=someone, action="edit")

    by_someone_new(0)
    few = [count(url) for url in ("/admin/reviews/reviewaction/", history_url(review), "/admin/")]
    for n in range(1, 8):
        by_someone_new(n)
    many = [count(url) for url in ("/admin/reviews/reviewaction/", history_url(review), "/admin/")]
    assert many == few, (few, many)
