from django.apps import AppConfig
from django.db.models.signals import post_save


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = "Reader polls"

    def ready(self):
        # Polls hook into reviews from this side, so the reviews app never imports polls.
        import reversion

        from polls.models import Choice, Poll
        from polls.services import poll_restore
        from polls.signals import give_new_review_a_poll
        from reviews import checks, revisions
        from reviews.registry import PagePart, shown_on_page

        post_save.connect(
            give_new_review_a_poll, sender="reviews.Review", dispatch_uid="polls.default_poll"
        )
        # A review's revisions hold its poll; the vote counters are readers' and stay out.
        reversion.register(Choice, exclude=["vote_count"])
        reversion.register(Poll, follow=["choices"])
        revisions.follow("poll", restore=poll_restore)
        # The review page shows its poll: loaded with the review, and the page's s-maxage
        # stops when the poll opens or closes.
        shown_on_page(PagePart(related="poll", changes_at=_poll_changes_at))
        checks.check(_poll_check)


def _poll_check(review):
    """The content checks panel: a poll readers would see without a question."""
    from reviews.checks import Finding

    poll = getattr(review, "poll", None)
    if poll is not None and not poll.question.strip():
        return [Finding("The poll has no question.", "id_poll-0-question")]
    return []


def _poll_changes_at(review):
    poll = getattr(review, "poll", None)  # a review may have no poll
    return poll.next_change if poll else None
