from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsiteConfig(AppConfig):
    """The project itself: after every migrate, the staff roles get exactly their rights;
    `check --deploy` also checks our own settings (reviewsite/checks.py)."""

    name = "reviewsite"
    verbose_name = "Review site"

    def ready(self):
        from reviewsite import checks  # noqa: F401 - registers the deploy checks
        from reviewsite.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="reviewsite.sync_roles")
