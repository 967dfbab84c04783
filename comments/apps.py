from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from django.db.models import Count, Q, Sum

        from comments import fragments
        from comments.models import Comment
        from reviews.registry import ReaderRatings, rated_by

        # Reviews' lists and pages show readers' ratings; what counts is decided here.
        rated = Q(comments__status=Comment.Status.PUBLISHED, comments__rating__isnull=False)
        fragments.register()
        rated_by(
            ReaderRatings(
                count=Count("comments", filter=rated),
                total=Sum("comments__rating", filter=rated),
                summary=lambda review: review.comments.rating_summary(),
            )
        )
