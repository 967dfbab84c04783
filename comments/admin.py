from django.contrib import admin

from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Readers' comments, for finding and reading them. Comments are written by readers
    only; removing and restoring them is the moderation tools' job."""

    list_display = ["name", "review", "stars", "status", "created_at"]
    list_filter = ["status", "rating", ("review", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["review"]
    search_fields = ["name", "body", "email"]
    date_hierarchy = "created_at"
    fields = [
        "review",
        "parent",
        "name",
        "email",
        "rating",
        "spoiler",
        "body",
        "status",
        "created_at",
        "ip_address",
        "user_agent",
        "reader",
    ]
    # Readers' words and ratings are theirs: staff change only the status.
    readonly_fields = [f for f in fields if f != "status"]

    @admin.display(description="Rating", ordering="rating")
    def stars(self, comment: Comment) -> str:
        return "★" * comment.rating + "☆" * (5 - comment.rating) if comment.rating else "—"

    def has_add_permission(self, request):
        return False
