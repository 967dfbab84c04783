from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from reviews import revisions, search, signals  # noqa: F401 - connects the receivers

        revisions.register()
        post_migrate.connect(search.reinstall_after_migrate, dispatch_uid="reviews.search.fts")
