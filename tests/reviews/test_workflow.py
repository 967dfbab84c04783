"""Writers draft and submit; editors send back with a note, or publish. All of it is logged."""

import pytest

from reviews import revisions
from reviews.models import Review, ReviewAction
from tests.factories import give_name, make_review, make_user
from tests.reviews.editing import change_url, open_form, save
from tests.reviews.test_admin import ADD_URL, filled_add_form

pytestmark = pytest.mark.django_db

LIST = "/admin/reviews/review/"


def test_writer_drafts_a_review_which_is_theirs_and_a_draft(client, writer):
    client.force_login(writer)
    data = filled_add_form(client, status="published", author="")
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get(slug="slow-horses-season-5-review")
    assert review.author == writer
    assert review.status == Review.Status.DRAFT  # the status field is not theirs to set
    assert ReviewAction.objects.filter(review=review, user=writer, action="create").exists()


def test_writer_submits_and_the_review_joins_the_editors_submitted_queue(client, writer, editor):
    review = make_review(published=False, author=writer, headline="Writer's draft")
    client.force_login(writer)
    response = save(client, review, _submit="anyway")  # past its content checks
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_submitted
    assert ReviewAction.objects.filter(review=review, action="submit", user=writer).exists()

    client.force_login(editor)
    queue = client.get(LIST, {"workflow": "submitted"}).content.decode()
    assert "Writer’s draft" in queue and "Submitted" in queue  # curly, as saved
    page = client.get(change_url(review)).content.decode()
    assert "Submitted for review" in page and 'name="_send_back"' in page


def test_editor_sends_back_with_a_note_the_writer_sees(client, writer, editor):
    review = make_review(published=False, author=writer)
    review.submit()
    client.force_login(editor)
    refused = save(client, review, _send_back="Send back", editor_note="  ")
    assert refused.status_code == 200
    assert "Write the note the writer will see" in refused.content.decode()
    review.refresh_from_db()
    assert review.is_submitted

    note = "The second section repeats the first; cut it to one paragraph."
    assert save(client, review, _send_back="Send back", editor_note=note).status_code == 302
    review.refresh_from_db()
    assert not review.is_submitted and review.sent_back_by == editor
    entry = ReviewAction.objects.get(review=review, action="send_back")
    assert entry.note == note and entry.user == editor

    client.force_login(writer)
    page = client.get(change_url(review)).content.decode()
    assert "Sent back by editor" in page and "cut it to one paragraph" in page
    assert 'name="editor_note"' not in page  # the writer reads the note, cannot edit it


def test_editor_publishes_a_submitted_review_and_it_leaves_the_queue(client, writer, editor):
    review = make_review(published=False, author=give_name(writer, "Wren Hale"))
    review.submit()
    client.force_login(editor)
    data = open_form(client, review)
    data.update(status="published", published_at_0="", published_at_1="", _publish_anyway="1")
    assert save(client, review, data).status_code == 302
    review.refresh_from_db()
    assert review.is_live and review.submitted_at is None
    assert ReviewAction.objects.filter(review=review, action="publish", user=editor).exists()
    assert "No review" in client.get(LIST, {"workflow": "submitted"}).content.decode() or (
        review.headline not in client.get(LIST, {"workflow": "submitted"}).content.decode()
    )


def test_publishing_says_so_with_a_link_to_the_live_page_and_the_checks_stop_asking(
    client, writer, editor
):
    review = make_review(published=False, author=give_name(writer, "Wren Hale"))
    client.force_login(editor)
    data = open_form(client, review)
    data.update(status="published", published_at_0="", published_at_1="", _publish_anyway="1")
    data["_continue"] = "Save and continue editing"
    page = client.post(change_url(review), data, follow=True).content.decode()
    assert "Published: readers see it now." in page
    assert f'<a href="{review.get_absolute_url()}">View it on the site</a>' in page
    assert "worth fixing in the live review" in page
    assert "it can be submitted and published as it is" not in page
    again = save(client, review, verdict="Sharper.")
    assert "Published:" not in " ".join(m.message for m in again.wsgi_request._messages)


def test_saving_a_live_review_again_is_an_edit_not_another_publication(client, writer, editor):
    review = make_review(published=False, author=give_name(writer, "Wren Hale"))
    client.force_login(editor)
    data = open_form(client, review)
    data.update(status="published", published_at_0="", published_at_1="", _publish_anyway="1")
    assert save(client, review, data).status_code == 302
    published_at = Review.objects.get(pk=review.pk).published_at

    assert save(client, review, verdict="A sharper verdict.").status_code == 302
    review.refresh_from_db()
    assert review.published_at == published_at  # to the fraction of a second
    log = list(ReviewAction.objects.filter(review=review).values_list("action", flat=True))
    assert log.count("publish") == 1 and log.count("edit") == 2  # the first save, and this
    assert revisions.latest_revision(review).comment == "Changed Verdict."


def test_writer_cannot_publish_by_form_or_list_action(client, writer):
    review = make_review(published=False, author=writer)
    client.force_login(writer)
    save(client, review, status="published", published_at_0="2020-01-01", published_at_1="10:00")
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT and review.published_at is None
    listing = client.get(LIST).content.decode()
    assert "publish_selected" not in listing
    client.post(LIST, {"action": "publish_selected", "_selected_action": [review.pk]})
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT


def test_writer_sees_and_edits_only_their_own_drafts(client, writer, editor):
    mine = make_review(published=False, author=writer, headline="My own draft")
    theirs = make_review(published=False, author=editor, headline="Editor's draft")
    live = make_review(published=True, author=writer, headline="My live review")
    client.force_login(writer)
    listing = client.get(LIST).content.decode()
    assert "My own draft" in listing and "Editor&#x27;s draft" not in listing
    refused = client.get(change_url(theirs), follow=True)
    assert refused.redirect_chain[0][1] == 302 and refused.request["PATH_INFO"] == LIST
    said = refused.content.decode()
    assert "another writer" in said and "Perhaps it was deleted" not in said
    before = theirs.headline
    client.post(change_url(theirs), {"headline": "Hijacked"})
    theirs.refresh_from_db()
    assert theirs.headline == before
    page = client.get(change_url(live)).content.decode()
    assert 'name="headline"' not in page  # a published review reads, never edits
    assert client.post(change_url(live), open_form_as_editor(live)).status_code == 403
    assert client.get(change_url(mine)).status_code == 200


def open_form_as_editor(review) -> dict:
    from django.test import Client

    boss = Client()
    boss.force_login(make_user(is_staff=True, is_superuser=True))
    return open_form(boss, review)


def test_writers_never_reach_comments_moderation_or_the_log(client, writer):
    client.force_login(writer)
    assert client.get("/admin/comments/comment/").status_code == 403
    assert client.get("/admin/reviews/reviewaction/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Comments" not in index and "Content log" not in index


def test_content_log_is_read_only_and_filterable_by_review_and_person(client, editor, writer):
    review = make_review(published=False, author=give_name(writer), headline="Logged review")
    other = make_review(published=False, author=editor, headline="Another one")
    client.force_login(editor)
    save(client, review, headline="Logged review, edited")
    save(client, other, headline="Another one, edited")
    client.post(LIST, {"action": "publish_selected", "_selected_action": [review.pk]})
    log = "/admin/reviews/reviewaction/"
    client.get(LIST)  # shows (and so clears) the messages of the saves
    page = client.get(log, {"review__id__exact": review.pk}).content.decode()
    count = ReviewAction.objects.filter(review=review).count()
    assert count > 1 and f"{count} entries" in page and "content log\n" not in page
    page = page.split('id="result_list"')[1].split("</table>")[0]
    assert "Logged review, edited" in page and "Another one" not in page
    assert "Published" in page and "Edited" in page
    by_writer = client.get(log, {"user__id__exact": writer.pk}).content.decode()
    assert "0 entries" in by_writer or 'id="result_list"' not in by_writer
    entry = ReviewAction.objects.filter(review=review).first()
    assert client.get(f"{log}add/").status_code == 403
    client.post(f"{log}{entry.pk}/change/", {"note": "rewritten"})
    client.post(f"{log}{entry.pk}/delete/", {"post": "yes"})
    entry.refresh_from_db()
    assert entry.note == ""


def test_the_admins_own_lists_write_dates_as_the_site_does(client, editor):
    from datetime import datetime

    from django.utils import timezone

    review = make_review(published=False, headline="Dated review")
    entry = ReviewAction.record(review=review, by=editor, action="edit")
    at = timezone.make_aware(datetime(2026, 12, 7, 15, 2))
    ReviewAction.objects.filter(pk=entry.pk).update(at=at)
    client.force_login(editor)
    page = client.get("/admin/reviews/reviewaction/").content.decode()
    shown = timezone.localtime(at)
    assert f"{shown.day} {shown:%b %Y, %H:%M}" in page  # "7 Dec 2026, 15:02"
    assert "p.m." not in page and "a.m." not in page


def test_log_entries_outlive_the_review_and_the_account(client, editor):
    person = make_user(is_staff=True, groups=["Editors"])
    review = make_review(published=False, author=person, headline="Short-lived")
    client.force_login(person)
    save(client, review)
    client.post(f"/admin/reviews/review/{review.pk}/delete/", {"post": "yes"})
    person.is_active = False
    person.save()
    entries = ReviewAction.objects.filter(review_headline="Short-lived")
    assert set(entries.values_list("action", flat=True)) == {"edit", "delete"}
    assert set(entries.values_list("username", flat=True)) == {person.username}
    client.force_login(editor)
    assert "Short-lived" in client.get("/admin/reviews/reviewaction/").content.decode()
