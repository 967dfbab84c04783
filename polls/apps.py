from django.apps import AppConfig
from django.db.models.signals import post_save


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = "Reader polls"

    def ready(self):
        # Polls hook into reviews from this side, so the reviews app never imports polls.
        from polls import signals  # noqa: F401 - connects the receivers
        from polls.receivers import give_new_review_a_poll

        post_save.connect(
            give_new_review_a_poll, sender="reviews.Review", dispatch_uid="polls.default_poll"
        )
