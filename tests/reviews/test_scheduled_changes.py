"""Changes to a published review that go live at a chosen time: readers see the current
version until then; the task worker applies them; editors see them on the desk and may
cancel them; the revisions and the content log tell the story."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reviews import revisions, services
from reviews.models import Review, ReviewAction, ScheduledChange
from tests.factories import give_name, make_review
from tests.reviews.editing import change_url, open_form

pytestmark = pytest.mark.django_db


def reader_sees(review, text: str) -> bool:
    return text in Client().get(review.get_absolute_url()).content.decode()


def schedule(client, review, at, **changes):
    data = open_form(client, review) | changes
    data["go_live_at_0"] = f"{timezone.localtime(at):%Y-%m-%d}"
    data["go_live_at_1"] = f"{timezone.localtime(at):%H:%M:%S}"
    return client.post(change_url(review), data)


@pytest.fixture
def live(editor):
    give_name(editor, "Eddie Marsh")
    review = make_review(headline="The embargoed headline", author=editor)
    revisions.review_save_revision(review=review, by=editor, comment="Published.")
    return review


def test_readers_keep_the_live_version_until_the_time_then_see_the_change(
    client, editor, live, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    at = timezone.now() + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = schedule(client, live, at, headline="The corrected headline")
    assert response.status_code == 302
    assert reader_sees(live, "The embargoed headline")
    assert not reader_sees(live, "The corrected headline")
    change = ScheduledChange.objects.get(review=live)
    assert abs((change.go_live_at - at).total_seconds()) < 1
    # The worker is told to run at that time.
    assert DBTaskResult.objects.filter(
        task_path="reviews.tasks.apply_due_changes", run_after__isnull=False
    ).exists()
    assert services.review_apply_due_changes() == 0  # not yet

    assert services.review_apply_due_changes(now=at + timedelta(seconds=1)) == 1
    assert reader_sees(live, "The corrected headline")
    live.refresh_from_db()
    assert live.is_live and live.headline == "The corrected headline"
    assert not ScheduledChange.objects.exists()
    comments = [r.comment for r in revisions.revisions_of(live)]
    assert comments[0].startswith("Scheduled change of") and "went live" in comments[0]
    assert any(c.startswith("Changes scheduled") for c in comments)
    scheduled = ReviewAction.objects.get(review=live, action="schedule")
    assert scheduled.review_headline == "The embargoed headline"  # as readers still see it
    notes = list(ReviewAction.objects.filter(review=live).values_list("action", "note"))
    assert any(a == "schedule" and n.startswith("Changes scheduled for") for a, n in notes)
    assert any("went live" in n for _, n in notes)


def test_the_desk_lists_it_and_an_editor_cancels_it(client, editor, live):
    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="Never shown")
    change = ScheduledChange.objects.get()
    desk = client.get("/admin/").content.decode()
    cancel = f"/admin/reviews/review/{live.pk}/scheduled/{change.pk}/cancel/"
    assert "changes go live" in desk and f'href="{cancel}"' in desk
    form = client.get(change_url(live)).content.decode()
    assert "Changes scheduled for" in form and f'href="{cancel}"' in form
    assert "Yes, cancel this change" in client.get(cancel).content.decode()
    assert client.post(cancel).status_code == 302
    assert not ScheduledChange.objects.exists()
    assert services.review_apply_due_changes(now=timezone.now() + timedelta(days=1)) == 0
    assert reader_sees(live, "The embargoed headline")
    assert ReviewAction.objects.filter(note__startswith="Cancelled the change").exists()


def test_a_past_time_is_refused_with_the_typed_text_kept(client, editor, live):
    client.force_login(editor)
    response = schedule(client, live, timezone.now() - timedelta(hours=1), headline="Typed")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a time in the future" in html and 'value="Typed"' in html
    assert not ScheduledChange.objects.exists()


def test_a_draft_offers_no_such_time(client, editor):
    draft = make_review(published=False)
    client.force_login(editor)
    assert 'name="go_live_at_0"' not in client.get(change_url(draft)).content.decode()


def test_writers_cannot_cancel(client, editor, writer, live):
    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="Waiting")
    change = ScheduledChange.objects.get()
    live.author = writer
    live.save()
    client.force_login(writer)
    cancel = f"/admin/reviews/review/{live.pk}/scheduled/{change.pk}/cancel/"
    assert client.post(cancel).status_code == 403
    assert ScheduledChange.objects.exists()
    assert Review.objects.get(pk=live.pk).headline == "The embargoed headline"


def test_a_save_in_between_is_refused_until_the_editor_knows_the_change_will_undo_it(
    client, editor, live
):
    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="The corrected headline")
    before = len(revisions.revisions_of(live))

    data = open_form(client, live) | {"verdict": "A typo fixed now."}
    response = client.post(change_url(live), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not saved: a change to this review is scheduled for" in html
    assert 'value="A typo fixed now."' in html or ">A typo fixed now.</textarea>" in html
    cancel = f"/admin/reviews/review/{live.pk}/scheduled/{ScheduledChange.objects.get().pk}/cancel/"
    assert f'href="{cancel}"' in html
    assert 'name="with_scheduled" value="carry"' in html
    assert 'name="with_scheduled" value="replace"' in html
    live.refresh_from_db()
    assert live.verdict != "A typo fixed now." and len(revisions.revisions_of(live)) == before
    # Another time for another change is refused too: it would undo, or be undone by, this one.
    again = schedule(client, live, timezone.now() + timedelta(hours=3), verdict="Later words.")
    assert again.status_code == 200 and ScheduledChange.objects.count() == 1

    # Knowing, the editor saves now only; the scheduled change still goes live as it was.
    assert client.post(change_url(live), data | {"with_scheduled": "replace"}).status_code == 302
    assert reader_sees(live, "A typo fixed now.")
    services.review_apply_due_changes(now=timezone.now() + timedelta(hours=2, seconds=1))
    assert reader_sees(live, "The corrected headline")


def test_with_the_change_cancelled_a_save_goes_through_as_usual(client, editor, live):
    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="Never shown")
    client.post(
        f"/admin/reviews/review/{live.pk}/scheduled/{ScheduledChange.objects.get().pk}/cancel/"
    )
    data = open_form(client, live) | {"verdict": "A typo fixed now."}
    assert client.post(change_url(live), data).status_code == 302
    assert reader_sees(live, "A typo fixed now.")


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_save_put_into_the_scheduled_change_shows_now_and_stays_when_it_goes_live(
    client, editor, live
):
    client.force_login(editor)
    at = timezone.now() + timedelta(hours=2)
    schedule(client, live, at, headline="The corrected headline")
    data = open_form(client, live) | {
        "verdict": "A typo fixed now.",
        "sections-0-body": "The first paragraph, reworded now.",
        "sections-2-heading": "A section added now",
        "sections-2-body": "Its words.",
    }
    assert client.post(change_url(live), data).status_code == 200  # asked first

    response = client.post(change_url(live), data | {"with_scheduled": "carry"}, follow=True)
    assert "Saved, and put into the change scheduled for" in messages_of(response)
    assert "except" not in messages_of(response)
    assert reader_sees(live, "A typo fixed now.") and reader_sees(live, "A section added now")
    assert not reader_sees(live, "The corrected headline")

    # Another save the same way: this save's verdict was not the change's own edit.
    again = open_form(client, live) | {"verdict": "Fixed twice.", "with_scheduled": "carry"}
    response = client.post(change_url(live), again, follow=True)
    assert "except" not in messages_of(response)
    # The comparison offered on the form shows what is left to change: the headline.
    form = client.get(change_url(live)).content.decode()
    assert "See what will change" in form
    assert ScheduledChange.objects.get().base == revisions.latest_revision(live)

    services.review_apply_due_changes(now=at + timedelta(seconds=1))
    for text in (
        "The corrected headline",
        "Fixed twice.",
        "The first paragraph, reworded now.",
        "A section added now",
        "Its words.",
    ):
        assert reader_sees(live, text), text
    assert not reader_sees(live, "The embargoed headline")
    carried = ReviewAction.objects.filter(note__startswith="Saved now and into the change")
    assert carried.count() == 2


def test_where_both_change_the_same_thing_the_scheduled_version_wins_and_the_editor_is_told(
    client, editor, live
):
    client.force_login(editor)
    at = timezone.now() + timedelta(hours=2)
    schedule(client, live, at, verdict="The verdict after the broadcast.")
    data = open_form(client, live) | {
        "verdict": "The verdict typed now.",
        "headline": "A headline typed now",
        "with_scheduled": "carry",
    }
    response = client.post(change_url(live), data, follow=True)
    said = messages_of(response)
    assert "except what that change edits too" in said and "Verdict" in said
    assert "Headline" not in said
    assert reader_sees(live, "The verdict typed now.")

    services.review_apply_due_changes(now=at + timedelta(seconds=1))
    assert reader_sees(live, "The verdict after the broadcast.")
    assert reader_sees(live, "A headline typed now")


def test_a_row_the_save_deletes_stays_deleted_unless_the_change_edits_it(client, editor, live):
    client.force_login(editor)
    at = timezone.now() + timedelta(hours=2)
    schedule(client, live, at, headline="The corrected headline")
    data = open_form(client, live) | {"sections-1-DELETE": "on", "with_scheduled": "carry"}
    assert client.post(change_url(live), data).status_code == 302
    assert not reader_sees(live, "Paragraph one of section 2.")
    services.review_apply_due_changes(now=at + timedelta(seconds=1))
    assert reader_sees(live, "The corrected headline")
    assert not reader_sees(live, "Paragraph one of section 2.")


def test_a_save_put_into_the_change_cannot_also_wait_for_a_time(client, editor, live):
    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="The corrected headline")
    later = timezone.localtime(timezone.now() + timedelta(hours=3))
    data = open_form(client, live) | {
        "verdict": "Typed words.",
        "with_scheduled": "carry",
        "go_live_at_0": f"{later:%Y-%m-%d}",
        "go_live_at_1": f"{later:%H:%M:%S}",
    }
    response = client.post(change_url(live), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "goes live now: leave this time empty" in html and "Typed words." in html
    assert 'name="with_scheduled" value="replace"' in html  # the other choice is offered
    assert ScheduledChange.objects.count() == 1 and not reader_sees(live, "Typed words.")


def test_a_change_scheduled_before_the_upgrade_is_given_the_live_version_it_was_made_against(
    client, editor, live
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reviews.migrations.0021_scheduled_change_base")
    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="The corrected headline")
    stored_with_it = ScheduledChange.objects.get().base
    assert stored_with_it is not None and stored_with_it == revisions.latest_revision(live)
    ScheduledChange.objects.update(base=None)  # as the upgrade finds it
    open_form(client, live)  # another revision later than both must not be taken
    revisions.review_save_revision(review=live, by=editor, comment="A later save.")

    migration.the_live_version_stored_with_each(apps, None)
    assert ScheduledChange.objects.get().base == stored_with_it


def test_see_what_will_change_shows_the_live_words_going_and_the_scheduled_ones_coming(
    client, editor, live
):
    import html as html_lib
    import re

    client.force_login(editor)
    schedule(client, live, timezone.now() + timedelta(hours=2), headline="The corrected headline")
    form = client.get(change_url(live)).content.decode()
    link = re.search(r'href="([^"]+)">See what will change', form).group(1)
    page = client.get(html_lib.unescape(link)).content.decode()
    assert "to <strong>the change scheduled for" in page
    assert "<ins>corrected</ins>" in page and "<del>embargoed</del>" in page


class TestCarryingRowsAndSets:
    """What a field-by-field merge alone would get wrong, carried by the service."""

    @staticmethod
    def schedule_then_save(live, editor, change, save):
        """`change` edits the review for the scheduled change, `save` for the save made
        now; returns what the editor is told the change keeps."""
        live_version = revisions.review_save_revision(review=live, by=editor, comment="Live.")
        change(live)
        revisions.review_save_revision(review=live, by=editor, comment="Pending.")
        at = timezone.now() + timedelta(hours=2)
        services.review_schedule_change(review=live, by=editor, at=at, live=live_version)
        before = revisions.latest_revision(live)
        save(live)
        revisions.review_save_revision(review=live, by=editor, comment="Saved now.")
        kept = services.review_carry_into_scheduled(review=live, before=before, by=editor)
        assert services.review_apply_due_changes(now=at + timedelta(seconds=1)) == 1
        live.refresh_from_db()
        return next(iter(kept.values()))

    def test_each_side_choosing_a_lead_photo_leaves_one_and_the_change_goes_live(
        self, editor, live
    ):
        from reviews.models import Figure
        from tests.factories import make_figure

        a, b, c = (make_figure(live, position=n, alt_text=f"Photo {n}") for n in (0, 1, 2))

        def lead(figure, *others):
            for other in others:
                Figure.objects.filter(pk=other.pk).update(position=2)
            Figure.objects.filter(pk=figure.pk).update(position=0)

        kept = self.schedule_then_save(
            live, editor, change=lambda r: lead(b, a), save=lambda r: lead(c, a)
        )
        positions = dict(live.figures.values_list("alt_text", "position"))
        assert positions["Photo 1"] == 0 and positions["Photo 2"] == 1
        assert list(positions.values()).count(0) == 1
        assert any("Placement" in label for label in kept)

    def test_a_photo_replaced_on_each_side_keeps_the_changes_file_with_its_own_size(
        self, editor, live
    ):
        from reviews.models import Figure
        from tests.factories import make_figure

        photo = make_figure(live, position=0)  # 1600 × 900
        same_size = {"image": "photos/scheduled.jpg", "renditions": []}
        other_size = {"image": "photos/mine.jpg", "renditions": [], "width": 800, "height": 1200}
        kept = self.schedule_then_save(
            live,
            editor,
            change=lambda r: Figure.objects.filter(pk=photo.pk).update(**same_size),
            save=lambda r: Figure.objects.filter(pk=photo.pk).update(**other_size),
        )
        photo.refresh_from_db()
        assert (photo.image.name, photo.width, photo.height) == ("photos/scheduled.jpg", 1600, 900)
        assert any(label.endswith("· Image") for label in kept)

    def test_genres_added_on_each_side_are_both_kept(self, editor, live):
        from reviews.models import Genre

        comedy, thriller = (
            Genre.objects.create(name=n, slug=n.lower()) for n in ("Comedy", "Thriller")
        )
        kept = self.schedule_then_save(
            live,
            editor,
            change=lambda r: r.genres.add(thriller),
            save=lambda r: r.genres.add(comedy),
        )
        assert set(live.genres.values_list("name", flat=True)) == {"Comedy", "Thriller"}
        assert kept == []

    def test_a_section_added_on_each_side_keeps_the_order_the_editor_was_shown(self, editor, live):
        kept = self.schedule_then_save(
            live,
            editor,
            change=lambda r: r.sections.create(order=9, heading="The change's section", body="C."),
            save=lambda r: r.sections.create(order=9, heading="The save's section", body="S."),
        )
        headings = list(live.sections.values_list("heading", flat=True))
        assert headings[-2:] == ["The change’s section", "The save’s section"]  # typeset
        assert kept == []


def test_a_change_that_cannot_go_live_holds_up_no_other(client, editor, live, caplog):
    import json

    from reviews.models import Figure
    from tests.factories import make_figure

    other = make_review(headline="Another live review", author=editor)
    revisions.review_save_revision(review=other, by=editor, comment="Published.")
    make_figure(live, position=0)
    make_figure(live, position=1)
    client.force_login(editor)
    at = timezone.now() + timedelta(minutes=5)
    schedule(client, live, at, headline="Never applied")
    schedule(client, other, at + timedelta(seconds=1), headline="Applied all the same")
    broken = ScheduledChange.objects.get(review=live)
    for version in broken.revision.version_set.filter(
        content_type__model=Figure._meta.model_name
    ):  # a revision no review can take: two lead photos
        data = json.loads(version.serialized_data)
        data[0]["fields"]["position"] = 0
        version.serialized_data = json.dumps(data)
        version.save()

    assert services.review_apply_due_changes(now=at + timedelta(seconds=2)) == 1
    assert reader_sees(other, "Applied all the same")
    assert ScheduledChange.objects.filter(pk=broken.pk).exists()  # tried again next run
    assert reader_sees(live, "The embargoed headline")
    assert "could not go live" in caplog.text
