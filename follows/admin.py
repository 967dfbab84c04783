"""Followers for staff (who follows what, since when, counts, CSV export) and, on the
review's admin page, the "E-mail followers" choice and what was sent.

The review admin belongs to reviews, which knows nothing of follows: the inline is added
to it from FollowsConfig.ready through AdminSite.get_model_admin (public since Django 5.0).
"""

import csv

from django import forms
from django.contrib import admin
from django.db.models import Count, Max, Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from follows import services
from follows.models import Delivery, Follow, Follower, Mailing
from infra.dates import when
from reviews.models import Review


class FollowInline(admin.TabularInline):
    model = Follow
    fields = ["kind", "series", "critic", "frequency", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin):
    list_display = ["address", "following", "created_at", "confirmed", "undeliverable"]
    list_select_related = ["address"]
    search_fields = ["address__email"]
    list_filter = ["follows__kind", "follows__frequency", "follows__series", "follows__critic"]
    readonly_fields = ["address", "created_at", "stopped_at", "undeliverable_reason"]
    fields = [*readonly_fields, "undeliverable_at"]
    inlines = [FollowInline]
    actions = ["export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("follows__series", "follows__critic")

    def has_add_permission(self, request):
        return False  # only the owner follows, through the confirmation link

    def has_export_permission(self, request):
        return request.user.has_perm("follows.export_follower")

    @admin.display(description="Follows")
    def following(self, follower):
        return (
            "; ".join(
                f"{f.label} ({f.get_frequency_display().lower()})" for f in follower.follows.all()
            )
            or "nothing"
        )

    @admin.display(boolean=True, description="Confirmed?")
    def confirmed(self, follower):
        return follower.address.confirmed_at is not None

    @admin.display(boolean=True, description="Refused by mail server?")
    def undeliverable(self, follower):
        return follower.undeliverable_at is not None

    @admin.action(description="Export selected followers as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="followers-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["email", "follows", "frequency", "since", "confirmed", "undeliverable"])
        for follower in queryset.select_related("address").prefetch_related("follows"):
            for follow in follower.follows.all() or [None]:
                writer.writerow(
                    [
                        _cell(follower.address.email),
                        _cell(follow.label) if follow else "",
                        follow.frequency if follow else "",
                        (follow.created_at if follow else follower.created_at).isoformat(),
                        "yes" if follower.address.confirmed_at else "no",
                        "yes" if follower.undeliverable_at else "no",
                    ]
                )
        return response

    def changelist_view(self, request, extra_context=None):
        follows = Follow.objects.filter(follower__undeliverable_at__isnull=True)
        counts = {
            "site": follows.filter(kind=Follow.Kind.SITE).count(),
            "series": follows.filter(kind=Follow.Kind.SERIES)
            .values("series__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "series__name"),
            "critics": follows.filter(kind=Follow.Kind.CRITIC)
            .values("critic__username")
            .annotate(n=Count("pk"))
            .order_by("-n", "critic__username"),
        }
        return super().changelist_view(request, (extra_context or {}) | {"counts": counts})


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (=, +, -, @ at the start)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class MailingForm(forms.ModelForm):
    def has_changed(self):
        # The editor's choice is stored even when left as offered: unticked on a live
        # review must reach mailing_start as "no", not as "nobody decided".
        return True

    def clean(self):
        # A form opened before someone else's save of the same review offered a new row;
        # that save stored one meanwhile: this choice updates it instead of clashing.
        if self.instance.pk is None and self.instance.review_id:
            existing = Mailing.objects.filter(review_id=self.instance.review_id).first()
            if existing is not None:
                self.instance.pk = existing.pk
                self.instance.started_at = existing.started_at
                self.instance.recipients = existing.recipients
                self.instance._state.adding = False  # documented: Model._state
        return super().clean()


class MailingInline(admin.StackedInline):
    """On the review's page: whether to e-mail its followers, how many that reaches, and
    once sent, when, to how many, how many failed."""

    model = Mailing
    form = MailingForm
    verbose_name = verbose_name_plural = "E-mail to followers"
    fields = ["send", "sent"]
    readonly_fields = ["sent"]
    can_delete = False
    max_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("send")
        if field is not None:
            reach = services.mailing_reach(obj) if obj is not None else _site_followers()
            field.label = "E-mail followers"
            addresses = f"the {reach} address{'es' if reach != 1 else ''}"
            field.help_text = (
                f"Tick to e-mail {addresses} following this review's series, critic or the "
                "whole site when you save (once: it is live already). Left unticked, nobody "
                "is e-mailed: right for a correction."
                if obj is not None and obj.is_live
                else f"When it goes live, e-mail {addresses} following this review's "
                "series, critic or the whole site (once: a correction never sends it "
                "again). Untick for a correction."
            )
            # A review that is live already: a save is a correction, so off by default.
            field.initial = obj is None or not obj.is_live
        return formset

    @staticmethod
    def _started(obj) -> bool:
        return (
            obj is not None
            and Mailing.objects.filter(review=obj, started_at__isnull=False).exists()
        )

    # Once sent, the choice is history: said in words rather than as a ticked box beside
    # the model's help text for the unticked case.
    def get_fields(self, request, obj=None):
        return ["decision", "sent"] if self._started(obj) else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["decision", "sent"] if self._started(obj) else self.readonly_fields

    @admin.display(description="E-mail followers")
    def decision(self, mailing):
        return "Yes: its followers were e-mailed when it went live (never again)."

    @admin.display(description="Sent")
    def sent(self, mailing):
        if mailing.pk is None or mailing.started_at is None:
            return "Nothing sent yet."
        tally = Delivery.objects.filter(review_id=mailing.review_id).aggregate(
            sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
            failed=Count(
                "pk", filter=Q(status__in=[Delivery.Status.FAILED, Delivery.Status.REFUSED])
            ),
            waiting=Count(
                "pk", filter=Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
            ),
            first=Min("sent_at"),
            last=Max("sent_at"),
        )
        started = when(mailing.started_at)
        return format_html(
            "Started {} for {} address(es): <strong>{} sent</strong>, {} failed, {} waiting.",
            started,
            mailing.recipients,
            tally["sent"],
            tally["failed"],
            tally["waiting"],
        )


def _site_followers() -> int:
    return Follower.objects.reachable().filter(follows__kind=Follow.Kind.SITE).distinct().count()


def add_to_review_admin(site=admin.site) -> None:
    """Put the mailing inline on the review's admin page (once)."""
    review_admin = site.get_model_admin(Review)
    if MailingInline not in review_admin.inlines:
        review_admin.inlines = [*review_admin.inlines, MailingInline]
