"""Editorial writes that touch more than the review row: the workflow and its log.

Each step is recorded in the content log (ReviewAction) and, when it changes what a
form would save, stored as a revision, so a form opened before it cannot silently undo it.
"""

import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from reversion.models import Revision

from infra import dates, freshness
from reviews import tasks
from reviews.models import Credit, Figure, Review, ReviewAction, ScheduledChange, Section
from reviews.revisions import carry_into, latest_revision, replay, review_save_revision

Action = ReviewAction.Action
logger = logging.getLogger(__name__)


def publication_action(review: Review) -> str:
    return Action.PUBLISH if review.is_live else Action.SCHEDULE


def review_record_save(
    *, review: Review, by, created: bool, was: dict, changes: str, step: str = ""
) -> None:
    """After an admin save: a revision, and the log's create/edit/publish/unpublish lines.

    `was` holds status and published_at as the form had them before the save; `step` is
    the workflow step the save was made for (Action.SUBMIT, Action.SEND_BACK), if any.
    The revision's comment starts with the step, so the history reads "Submitted for
    review", "Sent back", "Published", "Scheduled" rather than a list of fields.
    """
    ReviewAction.record(review=review, by=by, action=Action.CREATE if created else Action.EDIT)
    published = review.status == Review.Status.PUBLISHED
    steps = []
    if step == Action.SUBMIT:
        steps.append("Submitted for review.")
    elif step == Action.SEND_BACK:
        steps.append("Sent back.")
    elif step == "schedule_change":
        steps.append("Changes scheduled (they go live later).")
    if published and (
        was.get("status") != Review.Status.PUBLISHED
        or was.get("published_at") != review.published_at
    ):
        action = publication_action(review)
        ReviewAction.record(review=review, by=by, action=action)
        steps.append(
            "Published."
            if action == Action.PUBLISH
            else f"Scheduled for {dates.when(review.published_at)}."
        )
    elif not published and was.get("status") == Review.Status.PUBLISHED:
        ReviewAction.record(review=review, by=by, action=Action.UNPUBLISH)
        steps.append("Unpublished.")
    if steps and changes in ("Saved.", ""):  # the step says it all
        changes = ""
    review_save_revision(review=review, by=by, comment=" ".join([*steps, changes]).strip())


def review_submit(*, review: Review, by) -> None:
    """The writer hands the draft to the editors (their Submitted queue)."""
    with transaction.atomic():
        review.submit()
        ReviewAction.record(review=review, by=by, action=Action.SUBMIT)


def review_send_back(*, review: Review, by, note: str) -> None:
    """An editor returns a submitted draft to its writer, saying what to change."""
    with transaction.atomic():
        review.send_back(by=by, note=note)
        ReviewAction.record(review=review, by=by, action=Action.SEND_BACK, note=note)


def review_publish(*, review: Review, by) -> None:
    """Publish now (or at its future time: scheduled), from the list's action."""
    with transaction.atomic():
        review.publish()
        step = "Published." if review.is_live else "Scheduled."
        review_save_revision(review=review, by=by, comment=step)
        ReviewAction.record(review=review, by=by, action=publication_action(review))


def review_unpublish(*, review: Review, by) -> None:
    with transaction.atomic():
        review.unpublish()
        review_save_revision(review=review, by=by, comment="Unpublished.")
        ReviewAction.record(review=review, by=by, action=Action.UNPUBLISH)


def review_delete(*, review: Review, by) -> None:
    """Delete the review; its log lines stay, naming it (its revisions stay too)."""
    with transaction.atomic():
        ReviewAction.record(review=review, by=by, action=Action.DELETE)
        freshness.review_changed(review)
        review.delete()


def review_schedule_change(*, review: Review, by, at, live: Revision) -> ScheduledChange:
    """Hold the changes just saved to a published review until `at`; readers keep `live`.

    The admin has saved the form (inside its transaction) and stored it as the latest
    revision; that revision waits in a ScheduledChange while the review's rows go back
    to `live`, the revision stored just before the save. The task worker applies it at
    `at` (reviews.tasks); nothing readers see changes before the transaction commits.
    """
    pending = latest_revision(review)
    when = dates.when(at)
    with transaction.atomic():
        review, _notes = replay(review, live)  # the log names it as readers still see it
        base = review_save_revision(
            review=review, by=by, comment=f"The live version, kept until the change of {when}."
        )
        change = ScheduledChange.objects.create(
            review=review, revision=pending, base=base, go_live_at=at, created_by=by
        )
        ReviewAction.record(
            review=review, by=by, action=Action.SCHEDULE, note=f"Changes scheduled for {when}."
        )
        transaction.on_commit(lambda: tasks.apply_due_changes.using(run_after=at).enqueue())
    return change


def review_carry_into_scheduled(*, review: Review, before: Revision, by) -> dict:
    """Put the save just stored (the review's latest revision, made from `before`) into
    every change still scheduled for the review, so it is not undone when they go live.

    Returns {change: labels of what that change keeps its own version of}.
    """
    after = latest_revision(review)
    kept = {}
    with transaction.atomic():
        for change in review.scheduled_changes.select_for_update(of=("self",)).select_related(
            "revision", "base"
        ):
            when = dates.when(change.go_live_at)
            change.revision, kept[change] = carry_into(
                scheduled=change.revision,
                base=change.base,
                before=before,
                after=after,
                by=by,
                comment=f"The change scheduled for {when}, with this save carried into it.",
            )
            change.base = after
            change.save(update_fields=["revision", "base"])
            ReviewAction.record(
                review=review,
                by=by,
                action=Action.EDIT,
                note=f"Saved now and into the change scheduled for {when}.",
            )
    return kept


def review_cancel_change(*, change: ScheduledChange, by) -> None:
    """Drop a scheduled change: the live version stays (its revision stays in the history)."""
    when = dates.when(change.go_live_at)
    with transaction.atomic():
        ReviewAction.record(
            review=change.review,
            by=by,
            action=Action.EDIT,
            note=f"Cancelled the change scheduled for {when}.",
        )
        change.delete()


def review_apply_due_changes(*, now=None) -> int:
    """Apply every scheduled change whose time has come, oldest first; returns how many.

    Each in its own transaction, its row locked (skip_locked), so two workers never apply
    one twice; each tells the HTTP caches (freshness.review_changed) once it commits.
    """
    now = now or timezone.now()
    applied = 0
    due = ScheduledChange.objects.filter(go_live_at__lte=now).order_by("go_live_at", "pk")
    for pk, review_id in list(due.values_list("pk", "review_id")):
        try:
            applied += _apply_change(pk, review_id)
        except DatabaseError:  # this change stays for the next run; the others go live
            logger.exception("Scheduled change %s of review %s could not go live", pk, review_id)
    return applied


def _apply_change(pk: int, review_id: int) -> int:
    """One change live, in its own transaction; 1, or 0 if another worker has it or it
    was cancelled."""
    with transaction.atomic():
        # The review's row first, as an admin save takes it (its UPDATE) before it
        # carries a save into the change: the same order, so neither waits on the other.
        Review.objects.select_for_update().filter(pk=review_id).first()
        change = (
            ScheduledChange.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("review", "revision__user")
            .filter(pk=pk)
            .first()
        )
        if change is None:
            return 0
        review, _notes = replay(change.review, change.revision)
        when = dates.when(change.go_live_at)
        review_save_revision(
            review=review, by=change.revision.user, comment=f"Scheduled change of {when} went live."
        )
        ReviewAction.record(
            review=review,
            by=None,
            action=Action.EDIT,
            note=f"Scheduled change of {when} went live.",
        )
        freshness.review_changed(review)
        change.delete()
    return 1


def review_move_row(*, review: Review, model, pk, up: bool) -> None:
    """Swap a section, figure or credit with its neighbour ("Move up" / "Move down"),
    then number that list 1, 2, 3… so equal order numbers never leave it ambiguous.

    A figure moves among the figures in the same place; a credit among its kind."""
    rows = list(model.objects.filter(review=review))
    row = next((r for r in rows if str(r.pk) == str(pk)), None)
    if row is None:
        return
    if model is Figure:
        rows = [r for r in rows if r.position == row.position]
    elif model is Credit:
        rows = [r for r in rows if r.kind == row.kind]
    index = rows.index(row)
    other = index - 1 if up else index + 1
    before = list(rows)
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for number, each in enumerate(rows, start=1):
        if each.order != number:
            each.order = number
            each.save(update_fields=["order"])
    if model is Section:
        _figures_follow_their_sections(review, before, rows)


def _figures_follow_their_sections(review: Review, before: list, after: list) -> None:
    """A photo placed after (or inside) the Nth section stays with that section when the
    sections are reordered: its position is the section's number, so it is renumbered."""
    number = {section.pk: place for place, section in enumerate(after, start=1)}
    for figure in Figure.objects.filter(review=review, position__gte=1):
        if figure.position <= len(before):
            moved = number[before[figure.position - 1].pk]
            if moved != figure.position:
                figure.position = moved
                figure.save(update_fields=["position"])
