"""Comments in the admin: the moderation queue, its bulk actions, reports and the log.

Readers' words and details are read-only for everyone; a comment's status changes only
through the moderation actions, which call comments.services (the same functions the
site's buttons call) and are offered only to users holding comments.moderate_comment.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import F, Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.timezone import localtime

from comments import services
from comments.forms import BanForm, DismissForm, RemoveForm
from comments.models import (
    QUEUE_ORDER,
    Ban,
    Comment,
    CommentVersion,
    MailAddress,
    ModerationAction,
    Notice,
    Report,
    commenter_history,
)
from comments.templatetags.comments_tags import ago
from comments.text import excerpt
from comments.views.moderation import confirmation

QUEUE_TITLE = "Comments: awaiting moderation and reported first"
# The comment's page, all read-only. Foreign keys are shown through methods: the admin
# would link a review or a user to admin pages a moderator is not allowed to open.
REMOVAL_FIELDS = ("removal_reason", "removal_note")
COMMENT_FIELDS = [
    "review_link",
    "parent",
    "name",
    "rating",
    "spoiler",
    "body",
    "created_at",
    "edited_at",
    "pinned",
    "by_staff",
]
WHO_FIELDS = ["author_history", "email", "ip_address", "user_agent", "reader"]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("no", "Not reported")]

    def queryset(self, request, queryset):
        # open_reports is annotated by CommentAdmin.get_queryset (moderation_queue()).
        if self.value() == "yes":
            return queryset.filter(open_reports__gt=0)
        if self.value() == "no":
            return queryset.filter(open_reports=0)
        return queryset


class NoWrites:
    """Nobody adds, changes or deletes these rows in the admin, superusers included:
    readers write comments and reports, comments.services writes everything else."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(NoWrites, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ["created_at", "reason", "note", "reader", "ip_address", "resolved_at"]
    verbose_name_plural = "readers' reports"


class HistoryInline(ReadOnlyInline):
    model = ModerationAction
    fk_name = "comment"
    fields = ["created_at", "action", "moderator_name", "reason", "note"]
    verbose_name_plural = "moderation history"


class VersionInline(ReadOnlyInline):
    model = CommentVersion
    fields = ["written_at", "body", "rating", "spoiler", "replaced_at"]
    verbose_name_plural = "earlier versions (before its author edited or deleted it)"


@admin.register(Comment)
class CommentAdmin(NoWrites, admin.ModelAdmin):
    """The moderation queue: pending comments first, then the most reported, then newest."""

    list_display = ["who", "state", "reports", "text", "stars", "on", "posted"]
    list_display_links = ["who", "text"]
    list_filter = [
        "status",
        ReportedFilter,
        ("review", admin.RelatedOnlyFieldListFilter),
        "rating",
    ]
    list_select_related = ["review"]
    list_per_page = 50
    search_fields = ["name", "body", "email"]
    date_hierarchy = "created_at"
    actions = [
        "remove_selected",
        "restore_selected",
        "approve_selected",
        "dismiss_selected",
        "ban_selected",
        "purge_selected",
    ]
    inlines = [VersionInline, ReportInline, HistoryInline]
    readonly_fields = [
        "moderate",
        "status",
        "hold_reason",
        *REMOVAL_FIELDS,
        "removed_by_name",
        "author_history",
        "removed_at",
        *COMMENT_FIELDS,
        *WHO_FIELDS,
    ]

    def get_queryset(self, request):
        open_reports = Report.objects.filter(resolved_at__isnull=True).order_by("created_at")
        # Not super(): it would order by get_ordering()'s names before they are annotated.
        return (
            Comment.objects.moderation_queue()
            .with_removal()
            .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_list"))
        )

    def get_ordering(self, request):
        return QUEUE_ORDER

    def get_fieldsets(self, request, obj=None):
        moderation = ["status", "hold_reason"]
        if obj is not None and obj.status == Comment.Status.REMOVED:
            moderation += [REMOVAL_FIELDS, ("removed_by_name", "removed_at")]
        if obj is not None and self.has_moderate_permission(request):
            moderation.insert(0, "moderate")
        return [
            ("Moderation", {"fields": moderation}),
            ("Comment", {"fields": COMMENT_FIELDS}),
            ("Who posted it (staff only)", {"fields": WHO_FIELDS}),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": QUEUE_TITLE, **(extra_context or {})})

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(services.MODERATE)

    def has_purge_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def view_on_site(self, comment: Comment) -> str:
        return comment.page_url(moderator=True)

    # --- Columns ----------------------------------------------------------------------

    @admin.display(description="Name", ordering="name")
    def who(self, comment: Comment) -> str:
        return comment.name or "(no name)"

    @admin.display(description="Comment")
    def text(self, comment: Comment) -> str:
        # Stars and no words: a rating alone, which has nothing to read.
        return excerpt(comment.body, 80) or "(a rating alone, no words)"

    @admin.display(description="Review", ordering="review__work_title")
    def on(self, comment: Comment) -> str:
        return comment.review.work_label

    @admin.display(description="Posted", ordering="created_at")
    def posted(self, comment: Comment) -> str:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            comment.created_at.isoformat(),
            date_format(localtime(comment.created_at), "DATETIME_FORMAT"),
            ago(comment.created_at),
        )

    @admin.display(description="Rating", ordering="rating")
    def stars(self, comment: Comment) -> str:
        return "★" * comment.rating + "☆" * (5 - comment.rating) if comment.rating else "—"

    @admin.display(description="Status", ordering="status")
    def state(self, comment: Comment) -> str:
        if comment.status == Comment.Status.REMOVED and comment.removal_reason:
            return f"Removed ({comment.removal_reason_label.lower()})"
        if comment.status == Comment.Status.PENDING and comment.hold_reason:
            return f"Awaiting moderation ({comment.get_hold_reason_display().lower()})"
        return comment.get_status_display()

    @admin.display(description="Open reports", ordering="-open_reports")
    def reports(self, comment: Comment) -> str:
        if comment.open_notices:
            return format_html(
                '<strong>{}</strong> · <a href="{}?q={}">decide</a>',
                _plural(
                    comment.open_notices, "notice of illegal content", "notices of illegal content"
                ),
                reverse("admin:comments_notice_changelist"),
                comment.pk,
            )
        if not comment.open_reports:
            return "—"
        reasons = dict.fromkeys(report.get_reason_display() for report in comment.open_list)
        return format_html(
            "<strong>{}</strong> · {}", comment.open_reports, ", ".join(reasons).lower()
        )

    @admin.display(description="Review")
    def review_link(self, comment: Comment) -> str:
        return format_html('<a href="{}">{}</a>', comment.review.get_absolute_url(), comment.review)

    @admin.display(description="Author's history")
    def author_history(self, comment: Comment) -> str:
        """What this commenter (same reader id, or same e-mail address) posted before and
        what became of it, and their bans: the context a decision needs."""
        history = commenter_history(comment=comment)
        counts = ", ".join(f"{count} {label.lower()}" for label, count in history.counts) or "—"
        bans = format_html_join(
            "",
            "<li>{} ({}) {}</li>",
            ((b.created_at.date(), b.get_reason_display(), b.length_label) for b in history.bans),
        )
        return format_html("{}{}", counts, format_html("<ul>{}</ul>", bans) if history.bans else "")

    # What the latest removal recorded, from the log (Comment.objects.with_removal()).

    @admin.display(description="Removal reason")
    def removal_reason(self, comment: Comment) -> str:
        return comment.removal_reason_label

    @admin.display(description="Removal note")
    def removal_note(self, comment: Comment) -> str:
        return comment.removal_note

    @admin.display(description="Removed by")
    def removed_by_name(self, comment: Comment) -> str:
        return comment.removed_by_name or "—"

    @admin.display(description="Removed at")
    def removed_at(self, comment: Comment):
        return comment.removed_at

    @admin.display(description="Moderate")
    def moderate(self, comment: Comment) -> str:
        """Links to the site's confirmation pages, which come back here afterwards."""
        back = urlencode({"next": reverse("admin:comments_comment_change", args=[comment.pk])})
        links = []
        if comment.status != Comment.Status.REMOVED:
            links.append(("comments:remove", "Remove…"))
        if comment.open_reports:
            links.append(("comments:dismiss", "Dismiss reports…"))
        if comment.status == Comment.Status.PENDING:
            links.append(("comments:approve", "Approve…"))
        if comment.status == Comment.Status.REMOVED:
            links.append(("comments:restore", "Restore…"))
        links.append(("comments:ban", "Ban author…"))
        return format_html_join(
            " ",
            '<a class="button" href="{}?{}">{}</a>',
            ((reverse(name, args=[comment.pk]), back, label) for name, label in links),
        )

    # --- Actions ----------------------------------------------------------------------

    @admin.action(permissions=["moderate"], description="Remove selected comments")
    def remove_selected(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            "remove",
            services.comment_remove,
            ask=RemoveForm,
            done=lambda count, _: f"Removed {_plural(count, 'comment', 'comments')}.",
            unchanged="already removed",
        )

    @admin.action(permissions=["moderate"], description="Restore selected comments")
    def restore_selected(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            "restore",
            services.comment_restore,
            done=lambda count, _: f"Restored {_plural(count, 'comment', 'comments')}.",
            unchanged="not removed",
        )

    @admin.action(permissions=["moderate"], description="Approve selected comments")
    def approve_selected(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            "approve",
            services.comment_approve,
            done=lambda count, _: f"Approved {_plural(count, 'comment', 'comments')}.",
            unchanged="not awaiting moderation",
        )

    @admin.action(permissions=["moderate"], description="Dismiss reports on selected comments")
    def dismiss_selected(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            "dismiss",
            services.reports_dismiss,
            ask=DismissForm,
            done=lambda count, _: (
                f"Dismissed the reports on {_plural(count, 'comment', 'comments')}: kept."
            ),
            unchanged="not reported",
        )

    @admin.action(permissions=["moderate"], description="Ban the authors of selected comments")
    def ban_selected(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            "ban",
            services.commenter_ban,
            ask=BanForm,
            done=lambda count, data: (
                f"Banned the {_plural(count, 'author', 'authors')} "
                f"{Ban.Length(data['length']).label.lower()}."
            ),
        )

    @admin.action(permissions=["purge"], description="Purge selected comments permanently")
    def purge_selected(self, request, queryset):
        return self._bulk(
            request,
            # Replies first, so a thread selected whole can go in one action.
            queryset.order_by(F("parent_id").asc(nulls_last=True), "pk"),
            "purge",
            services.comment_purge,
            ask=forms.Form,  # nothing to fill in, but it cannot be undone: ask first
            done=lambda count, _: (
                f"Purged {_plural(count, 'comment', 'comments')}; the "
                "moderation log keeps a line for each."
            ),
        )

    def _bulk(self, request, queryset, action: str, service, *, done, unchanged="", ask=None):
        """Apply one moderation service to each selected comment, as django-contrib-comments'
        _bulk_flag does, then say how many changed and how many were left as they were
        (the service returned None) or refused.

        With ask (a form class: its fields are the service's other arguments), the
        confirmation the site's moderation pages use comes first, as delete_selected's
        page does; the POST it sends back carries "confirm".
        """
        data = {}
        if ask is not None:
            confirmed = "confirm" in request.POST
            form = ask(request.POST if confirmed else None)
            if not (confirmed and form.is_valid()):
                selected = list(queryset)
                return confirmation(
                    request,
                    action=action,
                    comments=selected,
                    template="admin/comments/comment/confirm.html",
                    back=request.get_full_path(),
                    hidden=[
                        *((ACTION_CHECKBOX_NAME, str(comment.pk)) for comment in selected),
                        ("action", f"{action}_selected"),
                        ("confirm", "yes"),
                    ],
                    form=form,
                    opts=self.model._meta,
                    **self.admin_site.each_context(request),
                )
            data = form.cleaned_data
        changed = left = 0
        for comment in queryset:
            try:
                result = service(comment=comment, by=request.user, **data)
            except services.PurgeRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
                continue
            changed, left = (changed + 1, left) if result is not None else (changed, left + 1)
        if changed:
            self.message_user(request, done(changed, data), messages.SUCCESS)
        if left:
            self.message_user(
                request,
                f"{_plural(left, 'comment was', 'comments were')} {unchanged}: nothing changed "
                f"for {'it' if left == 1 else 'them'}.",
                messages.INFO,
            )


@admin.register(ModerationAction)
class ModerationActionAdmin(NoWrites, admin.ModelAdmin):
    """The moderation log: readable by moderators, changeable by nobody, superusers
    included (only comments.services writes it)."""

    list_display = [
        "created_at",
        "action",
        "moderator_name",
        "comment_link",
        "comment_excerpt",
        "reason",
        "note",
    ]
    list_filter = ["action", "reason"]
    search_fields = ["moderator_name", "comment_name", "comment_excerpt", "note", "=comment_number"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "action",
        "moderator_name",
        "comment_link",
        "comment_excerpt",
        "review_link",
        "reason",
        "note",
    ]
    readonly_fields = fields

    @admin.display(description="Review")
    def review_link(self, entry: ModerationAction) -> str:
        if entry.review is None:
            return "—"
        return format_html('<a href="{}">{}</a>', entry.review.get_absolute_url(), entry.review)

    @admin.display(description="Comment", ordering="comment_number")
    def comment_link(self, entry: ModerationAction):
        label = f"No. {entry.comment_number} by {entry.comment_name}"
        if entry.comment_id is None:
            return f"{label} (purged)"
        url = reverse("admin:comments_comment_change", args=[entry.comment_id])
        return format_html(
            '<a href="{}">{}</a>{}', url, label, f" on {entry.review}" if entry.review else ""
        )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Moderation log", **(extra_context or {})}
        )


@admin.register(MailAddress)
class MailAddressAdmin(admin.ModelAdmin):
    """Readers' addresses for reply e-mails: who confirmed, who unsubscribed. Only the
    reader's own links change them, so the admin shows them read-only."""

    list_display = ["email", "confirmed_at", "unsubscribed_at", "created_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "unsubscribed_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmation_sent_at", "confirmed_at"]


@admin.register(Ban)
class BanAdmin(NoWrites, admin.ModelAdmin):
    """Banned and suspended commenters. Bans are made from a comment ("Ban author…", on the
    site or its admin page) so they always name what led to them; here they can be lifted."""

    list_display = ["created_at", "email", "reader", "reason", "length", "created_by", "lifted_at"]
    list_filter = ["reason", ("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "=reader", "note"]
    fields = ["created_at", "email", "reader", "comment", "reason", "note", "until", "lifted_at"]
    readonly_fields = fields
    actions = ["lift_selected"]

    @admin.display(description="Length")
    def length(self, ban: Ban) -> str:
        return ban.length_label

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(services.MODERATE)

    @admin.action(permissions=["moderate"], description="Lift selected bans")
    def lift_selected(self, request, queryset):
        lifted = sum(1 for ban in queryset if services.ban_lift(ban=ban, by=request.user))
        self.message_user(request, f"{_plural(lifted, 'ban', 'bans')} lifted.", messages.SUCCESS)


@admin.register(Notice)
class NoticeAdmin(NoWrites, admin.ModelAdmin):
    """Notices of illegal content, undecided first: each is decided on its own page
    ("Decide…"), which sends the statement of reasons."""

    list_display = ["created_at", "category", "comment_number", "email", "decided", "decide"]
    list_filter = ["category", "decision", ("decided_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "explanation", "=comment_number"]
    fields = [
        "created_at",
        "category",
        "explanation",
        "name",
        "email",
        "comment_number",
        "decision",
        "ground",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields

    @admin.display(description="Decision")
    def decided(self, notice: Notice) -> str:
        return notice.get_decision_display() if notice.decided_at else "Awaiting a decision"

    @admin.display(description="")
    def decide(self, notice: Notice) -> str:
        label = "View" if notice.decided_at else "Decide…"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("comments:decide_notice", args=[notice.pk]),
            label,
        )
