"""Writes to polls: the default poll of a review, its choices, and votes."""

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from infra import freshness
from polls.models import DEFAULT_CHOICES, DEFAULT_QUESTION, RECAP_QUESTION, Choice, Poll, Vote
from reviews.models import Review


def poll_create_default(*, review: Review) -> Poll:
    """Give a review the standard "Will you watch?" poll (a recap "Will you keep
    watching?"): Yes, No, Maybe."""
    question = RECAP_QUESTION if review.episode_id else DEFAULT_QUESTION
    with transaction.atomic():
        poll = Poll.objects.create(review=review, question=question)
        Choice.objects.bulk_create(
            Choice(poll=poll, order=order, text=text)
            for order, text in enumerate(DEFAULT_CHOICES, start=1)
        )
    return poll


class ChoiceInUse(Exception):
    """Removing or renaming these choices would throw away readers' votes."""

    def __init__(self, choices: list[Choice]):
        self.choices = choices
        super().__init__(", ".join(choice.text for choice in choices))


def poll_set_choices(*, poll: Poll, texts: list[str]) -> list[Choice]:
    """Make the poll's choices exactly `texts`, in that order.

    A choice whose text is kept keeps its row, and so its votes; new texts become new
    choices; choices no longer listed are deleted, unless readers voted for them
    (ChoiceInUse), because renaming or dropping an answer people chose would change
    what they voted for.
    """
    with transaction.atomic():
        existing = {choice.text: choice for choice in poll.choices.with_votes()}
        dropped = [choice for text, choice in existing.items() if text not in texts]
        in_use = [choice for choice in dropped if choice.vote_count]
        if in_use:
            raise ChoiceInUse(in_use)
        Choice.objects.filter(pk__in=[choice.pk for choice in dropped]).delete()
        kept = []
        for order, text in enumerate(texts, start=1):
            choice = existing.get(text) or Choice(poll=poll, text=text)
            if choice.pk is None or choice.order != order:
                choice.order = order
                choice.save()
            kept.append(choice)
    return kept


class NotAChoice(ValueError):
    """The answer given is not one of this poll's (another poll's, or none at all)."""


def vote_cast(*, poll: Poll, choice_id: int, voter: str) -> bool:
    """Record one reader's vote; False (and nothing written) if they had already voted.

    Raises NotAChoice, writing nothing, when choice_id is not one of the poll's answers.

    The (poll, voter) unique constraint is what actually prevents double voting, even
    when two app processes race: the second insert fails inside its transaction, which
    rolls back the counter raised just before it (in SQL, F() + 1, and only if the answer
    is one of this poll's). So the counter moves exactly when a vote row is stored, and
    pages read the results from three small rows instead of counting every vote. Both
    databases run this; a hand-written PostgreSQL statement doing it in one round trip
    was 1.27x as fast in make bench's votes scenario, short of what a second
    implementation must earn (1.5x; docs/architecture.md).

    A stored vote purges the poll's results.json from the HTTP caches (a new reader's page
    shows no count, so it is unchanged).
    """
    try:
        with transaction.atomic():
            answer = Choice.objects.filter(pk=choice_id, poll=poll)
            if not answer.update(vote_count=F("vote_count") + 1):
                raise NotAChoice
            Vote.objects.create(poll=poll, choice_id=choice_id, voter=voter)
    except (IntegrityError, NotAChoice):
        return _why_not_stored(poll=poll, voter=voter)
    freshness.poll_results_changed(poll)
    return True


def counted_choice(*, poll: Poll, voter: str) -> int | None:
    """The answer this reader's stored vote in the poll counts, if any."""
    return Vote.objects.filter(poll=poll, voter=voter).values_list("choice_id", flat=True).first()


def _why_not_stored(*, poll: Poll, voter: str) -> bool:
    """A vote that was not stored: False if the reader had voted (told so first, whatever
    they answered), else the answer was not one of the poll's."""
    if Vote.objects.filter(poll=poll, voter=voter).exists():
        return False
    raise NotAChoice("That answer belongs to another poll, or to none.")


def poll_recount(*, poll: Poll) -> list[tuple[Choice, int, int]]:
    """Set each choice's counter to COUNT(*) of its votes; returns (choice, was, now).

    Counters only move with vote rows, so this finds nothing to mend unless rows were
    changed behind the application's back (a manual SQL fix, a partial restore).
    """
    changed = []
    with transaction.atomic():
        choices = list(poll.choices.select_for_update())  # votes wait while we count
        counted = dict(Vote.objects.filter(poll=poll).values_list("choice").annotate(n=Count("pk")))
        for choice in choices:
            actual = counted.get(choice.pk, 0)
            if choice.vote_count != actual:
                changed.append((choice, choice.vote_count, actual))
                Choice.objects.filter(pk=choice.pk).update(vote_count=actual)
        if changed:
            freshness.poll_results_changed(poll)
    return changed


def poll_restore(review: Review, snapshot) -> list[str]:
    """Put the review's poll back as a revision had it: question, dates, answers.

    Votes never change: kept answers keep their votes, and an answer readers voted for
    stays even if the revision did not have it (the returned note says so). A review
    whose revision had no poll keeps the poll it has now.
    """
    rows = snapshot.of_model(Poll)
    if not rows:
        return []
    row = rows[0]
    poll = Poll.objects.filter(review=review).first() or Poll(review=review)
    poll.question, poll.opens_at, poll.closes_at = (
        row["question"],
        row["opens_at"],
        row["closes_at"],
    )
    poll.save()
    texts = [
        choice["text"] for choice in snapshot.of_model(Choice) if choice["poll_id"] == row["id"]
    ]
    voted = [
        choice.text
        for choice in poll.choices.with_votes()
        if choice.vote_count and choice.text not in texts
    ]
    poll_set_choices(poll=poll, texts=texts + voted)
    if voted:
        names = ", ".join(f"“{text}”" for text in voted)
        return [f"Readers voted for {names}, so the poll keeps that answer."]
    return []
