from django.apps import AppConfig
from django.db.models.signals import post_save


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = "Reader polls"

    def ready(self):
        # Polls hook into reviews from this side, so the reviews app never imports polls.
        import reversion

        from polls import signals  # noqa: F401 - connects the receivers
        from polls.models import Choice, Poll
        from polls.receivers import give_new_review_a_poll
        from polls.services import poll_restore
        from reviews import revisions

        post_save.connect(
            give_new_review_a_poll, sender="reviews.Review", dispatch_uid="polls.default_poll"
        )
        # A review's revisions hold its poll; the vote counters are readers' and stay out.
        reversion.register(Choice, exclude=["vote_count"])
        reversion.register(Poll, follow=["choices"])
        revisions.follow("poll", restore=poll_restore)
