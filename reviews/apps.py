from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from reviews import fragments, revisions, search, signals  # noqa: F401 - connects the receivers

        revisions.register()
        fragments.register()
        # Once per migrate, not once per installed app.
        post_migrate.connect(
            search.reinstall_after_migrate, sender=self, dispatch_uid="reviews.search.fts"
        )
