from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = "Followers by e-mail"

    def ready(self):
        from follows import receivers  # noqa: F401
        from follows.admin import add_to_review_admin

        # The review's admin page shows the "E-mail followers" choice (reviews does not
        # import follows).
        add_to_review_admin()
