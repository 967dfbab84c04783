"""Every admin save of a review is a revision: listed from "History", compared, restored."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from reversion.models import Revision

from comments.models import Comment
from polls.models import Choice, Poll, Vote
from reviews import revisions
from reviews.models import Figure, Review, ReviewAction
from tests.factories import make_comment, make_credit, make_figure, make_review, make_votes
from tests.reviews.editing import (
    change_url,
    compare_url,
    history_url,
    open_form,
    restore_url,
    save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(editor):
    review = make_review(headline="Ballard Season 1 Review", author=editor)
    make_figure(review, position=0, caption="Maggie Q (Renée Ballard) in BALLARD.")
    make_credit(review, person="Maggie Q", role="Renée Ballard")
    return review


def test_every_admin_save_stores_the_review_with_its_rows_and_who_saved(client, editor, review):
    client.force_login(editor)
    assert save(client, review, headline="Ballard, the first season").status_code == 302
    revision = revisions.latest_revision(review)
    assert revision.user == editor
    saved = revisions.Snapshot.of(revision)
    assert saved.review["headline"] == "Ballard, the first season"
    assert [s["heading"] for s in saved.of_model(review.sections.model)] == [
        "",
        "Section heading 2",
    ]
    [figure] = saved.of_model(Figure)
    assert figure["caption"] == "Maggie Q (Renée Ballard) in BALLARD."
    assert figure["alt_text"] and figure["image"] and figure["renditions"]
    [credit] = saved.of_model(review.credits.model)
    assert credit["person"] == "Maggie Q"
    [poll] = saved.of_model(Poll)
    assert poll["question"] == "Will you watch?"
    assert [c["text"] for c in saved.of_model(Choice)] == ["Yes", "No", "Maybe"]
    assert "vote_count" not in saved.of_model(Choice)[0]  # readers' counts stay out


def test_change_page_links_to_the_history_which_lists_each_save(client, editor, review):
    client.force_login(editor)
    save(client, review, headline="First edit")
    save(client, review, headline="Second edit")
    page = client.get(change_url(review)).content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*>\s*History\s*</a>', page)
    assert link and link.group(1) == history_url(review)
    history = client.get(history_url(review)).content.decode()
    assert history.count('name="old"') == 2
    assert "editor" in history and "Changed Headline." in history


def test_compare_counts_only_what_the_editor_changed_not_the_word_count(client, editor, review):
    client.force_login(editor)
    save(client, review, **{"sections-0-body": "Short."})
    save(client, review, **{"sections-0-body": "Short, then many more words than before it."})
    new, old = revisions.revisions_of(review)[:2]
    words = [revisions.Snapshot.of(each).review["word_count"] for each in (old, new)]
    assert words[0] < words[1]  # stored with each revision, derived from the text
    page = client.get(compare_url(review), {"old": old.pk, "new": new.pk}).content.decode()
    assert "1 field changed" in page and "Word count" not in page


def test_compare_marks_the_changed_words_and_hides_unchanged_fields(client, editor, review):
    client.force_login(editor)
    save(client, review, standfirst="A slow start, then a gripping case.")
    save(client, review, standfirst="A slow start, then a thrilling case.")
    new, old = revisions.revisions_of(review)[:2]
    page = client.get(compare_url(review), {"old": old.pk, "new": new.pk}).content.decode()
    assert "<del>gripping</del>" in page and "<ins>thrilling</ins>" in page
    assert "<del>slow" not in page  # unchanged words are not marked
    assert "1 field changed" in page
    assert "Headline" not in page.split('class="compare"')[1]
    every = client.get(compare_url(review), {"old": old.pk, "new": new.pk, "all": "1"})
    assert "Headline" in every.content.decode().split('class="compare"')[1]


@pytest.mark.parametrize(
    "query",
    [{}, {"old": "abc", "new": "1"}, {"old": "99999999999999999999999", "new": "-1"}],
)
def test_compare_of_revisions_that_are_not_the_reviews_goes_back_with_a_message(
    client, editor, review, query
):
    client.force_login(editor)
    response = client.get(compare_url(review), query, follow=True)
    assert response.redirect_chain[-1][0] == history_url(review)
    assert "Choose two of this review" in response.content.decode()


def test_compare_refuses_another_reviews_revision(client, editor, review):
    client.force_login(editor)
    other = make_review()
    save(client, other, headline="Other")
    save(client, review, headline="Mine")
    response = client.get(
        compare_url(review),
        {"old": revisions.latest_revision(other).pk, "new": revisions.latest_revision(review).pk},
    )
    assert response.status_code == 302


def test_restore_brings_back_text_rows_photo_and_poll_as_a_new_revision(
    client, editor, review, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    save(client, review, headline="The good version", **{"sections-1-body": "Best paragraph."})
    good = revisions.latest_revision(review)
    old_image = review.figures.get().image.name
    data = open_form(client, review)
    data.update(
        {
            "headline": "The worse version",
            "sections-1-body": "Worse paragraph.",
            "credits-0-DELETE": "on",
            "figures-0-DELETE": "on",
            "poll-0-question": "Worth your time?",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert save(client, review, data).status_code == 302
    assert not review.figures.exists() and not review.credits.exists()

    assert client.get(restore_url(review, good)).status_code == 200  # asks first
    response = client.post(restore_url(review, good), follow=True)
    assert "Restored the revision" in response.content.decode()
    review.refresh_from_db()
    assert review.headline == "The good version"
    assert review.sections.get(order=2).body == "Best paragraph."
    assert "<p>Best paragraph.</p>" in review.sections.get(order=2).body_html
    assert review.credits.get().person == "Maggie Q"
    figure = review.figures.get()
    assert figure.image.name == old_image and default_storage.exists(old_image)
    assert all(default_storage.exists(r["name"]) for r in figure.renditions)
    assert review.poll.question == "Will you watch?"
    latest = revisions.latest_revision(review)
    assert latest.pk != good.pk and "Restored" in latest.comment
    assert Revision.objects.count() == 3
    assert ReviewAction.objects.filter(review=review, action="restore", user=editor).exists()


def test_restore_never_publishes_a_draft_nor_unpublishes_a_live_review(client, editor):
    client.force_login(editor)
    live = make_review(published=True)
    save(
        client, live, headline="Once a draft", status="draft", published_at_0="", published_at_1=""
    )
    as_draft = revisions.latest_revision(live)
    save(client, live, status="published", headline="Live now", _publish_anyway="1")
    client.post(restore_url(live, as_draft))
    live.refresh_from_db()
    assert live.headline == "Once a draft" and live.is_live

    draft = make_review(published=False)
    client.post(
        "/admin/reviews/review/", {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    published = revisions.latest_revision(draft)
    client.post(
        "/admin/reviews/review/", {"action": "unpublish_selected", "_selected_action": [draft.pk]}
    )
    client.post(restore_url(draft, published))
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT


def test_restore_leaves_comments_and_votes_alone(client, editor, review):
    client.force_login(editor)
    save(client, review)
    first = revisions.latest_revision(review)
    make_votes(review.poll, {"Yes": 3, "Maybe": 1})
    comment = make_comment(review, body="Great", rating=5)
    data = open_form(client, review)
    data["poll-0-choices_text"] = "Yes\nNo\nMaybe\nNot sure"
    save(client, review, data)
    before = list(Comment.objects.values_list("pk", "status", "body", "rating"))
    client.post(restore_url(review, first))
    assert list(Comment.objects.values_list("pk", "status", "body", "rating")) == before
    assert Vote.objects.count() == 4
    counts = dict(review.poll.choices.values_list("text", "vote_count"))
    assert counts == {"Yes": 3, "No": 0, "Maybe": 1}
    comment.refresh_from_db()
    assert comment.body == "Great"


def test_restore_keeps_a_poll_answer_readers_voted_for(client, editor, review):
    client.force_login(editor)
    save(client, review)
    first = revisions.latest_revision(review)
    data = open_form(client, review)
    data["poll-0-choices_text"] = "Yes\nNo\nMaybe\nNot sure"
    save(client, review, data)
    make_votes(review.poll, {"Not sure": 2})
    response = client.post(restore_url(review, first), follow=True)
    assert "Readers voted for “Not sure”" in response.content.decode()
    assert dict(review.poll.choices.values_list("text", "vote_count"))["Not sure"] == 2


def test_restore_is_refused_for_bad_revision_ids(client, editor, review):
    client.force_login(editor)
    other = make_review()
    save(client, other)
    url = (
        f"/admin/reviews/review/{review.pk}/history/{revisions.latest_revision(other).pk}/restore/"
    )
    assert client.post(url).status_code == 404
    assert (
        client.get(f"/admin/reviews/review/{review.pk}/history/999999999/restore/").status_code
        == 404
    )


def test_a_revisions_photo_survives_deletion_and_media_orphans(
    client, editor, review, capsys, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    save(client, review)
    figure = review.figures.get()
    kept = figure.file_names()
    data = open_form(client, review)
    data["figures-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert save(client, review, data).status_code == 302
    assert not Figure.objects.exists()
    assert all(default_storage.exists(name) for name in kept)
    call_command("media_orphans", "--delete", "--min-age", "0")
    assert "No orphaned files" in capsys.readouterr().out
    assert all(default_storage.exists(name) for name in kept)


def test_a_file_no_revision_names_is_still_an_orphan(editor, capsys):
    stray = default_storage.save("figures/stray.webp", ContentFile(b"not a revision's"))
    call_command("media_orphans", "--min-age", "0")
    assert stray in capsys.readouterr().out


def test_compare_lists_the_review_first_then_sections_photos_credits_and_poll(
    client, editor, review
):
    client.force_login(editor)
    save(client, review)
    revision = revisions.latest_revision(review)
    labels = [row.label for row in revisions.compare(revision, revision)]
    assert labels[0] == "Headline"
    firsts = [labels.index(prefix) for prefix in ("Section 1 · Heading", "Figure 1 · Placement")]
    assert firsts == sorted(firsts) and labels.index("Credit 1 · Person") > firsts[-1]
    assert labels.index("Poll · Question") > labels.index("Credit 1 · Person")
    assert labels.index("Choice 1 · Text") > labels.index("Poll · Question")
