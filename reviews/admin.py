from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from infra import freshness
from infra.dates import when
from infra.ordering import save_in_order
from polls.admin import REVIEW_POLL_RESULTS_PREFETCH, PollInline, review_poll_results
from reviews import revisions, services
from reviews.checks import review_checks
from reviews.forms import (
    CARRY,
    DATETIME_OVERRIDES,
    CreditFormSet,
    FigureForm,
    FigureFormSet,
    ProfileForm,
    ReviewAdminForm,
    ReviewRowsFormSet,
    byline_refusal,
)
from reviews.middleware import take_typed_text
from reviews.models import (
    PUBLISH,
    Credit,
    Episode,
    Figure,
    Genre,
    Platform,
    Profile,
    Review,
    ReviewAction,
    Section,
    Series,
    account_label,
    critic_url,
    display_name,
    has_a_name,
    profile_of,
)
from reviews.views import framed_by_the_admin, render_review


class WorkflowFilter(admin.SimpleListFilter):
    """The editors' queue: drafts their writers have submitted."""

    title = "workflow"
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("submitted", "Submitted for review"),
            ("sent_back", "Sent back to the writer"),
            ("draft", "Drafts not submitted"),
            ("scheduled", "Scheduled"),
        ]

    def queryset(self, request, queryset):
        drafts = queryset.filter(status=Review.Status.DRAFT)
        if self.value() == "submitted":
            return drafts.filter(submitted_at__isnull=False)
        if self.value() == "sent_back":
            return drafts.filter(submitted_at__isnull=True, sent_back_at__isnull=False)
        if self.value() == "draft":
            return drafts.filter(submitted_at__isnull=True, sent_back_at__isnull=True)
        if self.value() == "scheduled":
            return queryset.scheduled()
        return queryset


#: The button a row's "Move up" / "Move down" posts: "<model>-<pk>-up" or "-down".
MOVE = "_move"


class OrderedInline:
    """Rows ordered by "Move up" / "Move down" (buttons that save the form and swap the
    row with its neighbour) or, with the review form's script, by dragging; nobody types
    an order number. The order field travels hidden."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "order":
            kwargs["widget"] = forms.HiddenInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Order")
    def move(self, obj):
        if obj is None or obj.pk is None:
            return "Goes after the others; save to move it."
        name = obj._meta.model_name
        return format_html(
            '<button type="submit" class="button editors-move" name="{}" value="{}-{}-up">'
            'Move up<span class="visually-hidden"> {}</span></button> '
            '<button type="submit" class="button editors-move" name="{}" value="{}-{}-down">'
            'Move down<span class="visually-hidden"> {}</span></button>',
            MOVE,
            name,
            obj.pk,
            obj,
            MOVE,
            name,
            obj.pk,
            obj,
        )


class SectionInline(OrderedInline, admin.StackedInline):
    model = Section
    formset = ReviewRowsFormSet
    fields = ["move", "order", "heading", "body"]
    readonly_fields = ["move"]
    extra = 1


class FigureInline(OrderedInline, admin.StackedInline):
    model = Figure
    form = FigureForm
    formset = FigureFormSet
    fields = [
        "position",
        "move",
        "order",
        "image",
        "kept",
        "preview",
        "alt_text",
        "caption",
        "credit",
    ]
    readonly_fields = ["move", "preview"]
    extra = 1

    @admin.display(description="Preview")
    def preview(self, figure):
        if not figure.image:
            return "—"
        if not figure.pk:
            return format_html(
                '<img src="{}" alt="{}" width="240"><br><small>Chosen and kept: it is saved '
                "with the review (no need to choose it again).</small>",
                figure.thumbnail_url,
                figure.alt_text,
            )
        return format_html(
            '<img src="{}" alt="{}" width="240"><br><small>{} × {} px, {} renditions</small>',
            figure.thumbnail_url,
            figure.alt_text,
            figure.width,
            figure.height,
            len(figure.renditions),
        )


class CreditInline(OrderedInline, admin.TabularInline):
    """A compact table, one row a credit; CreditFormSet names each input for itself."""

    model = Credit
    formset = CreditFormSet
    template = "admin/reviews/review/credits_tabular.html"
    # What is credited first, then the buttons: on a phone the table scrolls sideways,
    # and the kind and person are what should show without scrolling.
    fields = ["order", "kind", "person", "role", "move"]
    readonly_fields = ["move"]
    extra = 1


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewAdminForm
    formfield_overrides = DATETIME_OVERRIDES
    list_display = [
        "headline",
        "status_label",
        "published_at",
        "work_label",
        "critic",
        review_poll_results,
    ]
    list_filter = [WorkflowFilter, "status", "work_kind", "series", "platform", "genres"]
    list_select_related = ["author__profile", "platform", "poll"]
    search_fields = ["headline", "standfirst", "work_title", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    actions = ["publish_selected", "unpublish_selected"]
    inlines = [SectionInline, FigureInline, CreditInline, PollInline]
    readonly_fields = ["length"]

    class Media:
        js = ["js/admin-editors.js", "js/admin-review-form.js", "js/admin-review-sections.js"]

    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "author", "length"]}),
        ("Verdict", {"fields": ["verdict", "score"]}),
        ("Publishing", {"fields": ["status", "published_at", "comments_closed"]}),
        (
            "The work",
            {
                "fields": [
                    "work_title",
                    ("work_kind", "season_number"),
                    "series",
                    "episode",
                    ("platform", "premiere_date"),
                    "based_on",
                    "genres",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # The poll column's numbers: one prefetch for every listed poll, so the list
        # costs the same number of queries however many reviews it shows.
        reviews = super().get_queryset(request).prefetch_related(REVIEW_POLL_RESULTS_PREFETCH)
        if not request.user.has_perm(PUBLISH):  # writers: their own reviews only
            reviews = reviews.filter(author=request.user)
        return reviews

    def has_change_permission(self, request, obj=None):
        """Writers change their own drafts only; a published or scheduled review is the
        editors' (its page shows read-only to its writer)."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm(PUBLISH):
            return True
        return obj.author_id == request.user.pk and obj.status == Review.Status.DRAFT

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH)

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm(PUBLISH):
            return self.readonly_fields
        return [*self.readonly_fields, "author_name", "status", "published_at"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not request.user.has_perm(PUBLISH):
            # Shown, not chosen: by the critic's name ("author" read-only would be the
            # account's login name, linked to a user page writers may not open).
            fieldsets = [
                (
                    name,
                    {
                        **options,
                        "fields": [
                            "author_name" if field == "author" else field
                            for field in options["fields"]
                        ],
                    },
                )
                for name, options in fieldsets
            ]
        if obj is not None and request.user.has_perm(PUBLISH):
            if obj.is_live:  # its changes may wait for a time (ScheduledChange)
                fieldsets = [
                    (name, {**options, "fields": [*options["fields"], "go_live_at"]})
                    if name == "Publishing"
                    else (name, options)
                    for name, options in fieldsets
                ]
            fieldsets.append(("Workflow", {"fields": ["editor_note"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_user = request.user
        form.returned_after_login = getattr(request, "typed_text_returned", False)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and self._someone_elses(request, unquote(object_id)):
            # Not "doesn't exist. Perhaps it was deleted?": it exists, and is not theirs.
            self.message_user(
                request,
                "That review is another writer's: you can open your own reviews only.",
                messages.WARNING,
            )
            return redirect("admin:reviews_review_changelist")
        typed = take_typed_text(request) if request.method == "GET" else None
        if typed is not None:
            # What was posted as the session ended, shown bound and refused (the form
            # says why), so nothing is saved until the editor presses Save again, with a
            # new token. This GET has passed CsrfViewMiddleware already.
            _ = request.FILES  # parsed (empty) now: parsing later would reset POST
            request.POST = QueryDict(mutable=True)
            for key, values in typed.items():
                request.POST.setlist(key, values)
            request.method, request.typed_text_returned = "POST", True
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="reviews_review_compare",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                view(self.restore_view),
                name="reviews_review_restore",
            ),
            path(
                "<path:object_id>/scheduled/<int:change_id>/cancel/",
                view(self.cancel_change_view),
                name="reviews_review_cancel_change",
            ),
            path(
                "<path:object_id>/preview/",
                view(framed_by_the_admin(self.preview_view)),
                name="reviews_review_preview",
            ),
            *super().get_urls(),
        ]

    def _someone_elses(self, request, object_id: str) -> bool:
        """A review that exists but is outside this user's list (a writer's, not theirs)."""
        if (
            request.user.has_perm(PUBLISH)
            or not self.has_view_or_change_permission(request)  # 403, as for any page
            or not object_id.isdigit()
        ):
            return False
        return (
            Review.objects.filter(pk=object_id).exists()
            and not self.get_queryset(request).filter(pk=object_id).exists()
        )

    def _review_or_404(self, request, object_id, *, change=False) -> Review:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        review = self.get_object(request, unquote(object_id))
        if review is None:
            raise Http404("No such review.")
        allowed = self.has_change_permission if change else self.has_view_or_change_permission
        if not allowed(request, review):
            raise PermissionDenied
        return review

    def _context(self, request, review, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": review,
            "title": title,
            "subtitle": review.headline,
            "has_change_permission": self.has_change_permission(request, review),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        """The review's revisions (the change page's "History" link), to compare or restore."""
        review = self._review_or_404(request, object_id)
        found = list(revisions.revisions_of(review))
        context = self._context(
            request,
            review,
            f"History of “{review.headline}”",
            revisions=found,
            older=found[1].pk if len(found) > 1 else None,
            newer=found[0].pk if found else None,
        )
        return TemplateResponse(request, "admin/reviews/review/revisions.html", context)

    def compare_view(self, request, object_id):
        review = self._review_or_404(request, object_id)
        old = revisions.revision_of(review, request.GET.get("old"))
        new = revisions.revision_of(review, request.GET.get("new"))
        if old is None or new is None:
            self.message_user(
                request,
                "Choose two of this review's revisions to compare: one in each column.",
                messages.ERROR,
            )
            return redirect("admin:reviews_review_history", review.pk)
        # Older first, a scheduled change's revision last: it is stored before the live
        # version it waits behind, but it is what the review will read like next.
        scheduled = {c.revision_id: c for c in review.scheduled_changes.all()}
        if (old.pk in scheduled, old.date_created) > (new.pk in scheduled, new.date_created):
            old, new = new, old
        rows = revisions.compare(old, new)
        context = self._context(
            request,
            review,
            f"Compare revisions of “{review.headline}”",
            old=old,
            new=new,
            new_scheduled=scheduled.get(new.pk),
            rows=rows,
            changed=[row for row in rows if row.changed],
            show_all=request.GET.get("all") == "1",
        )
        return TemplateResponse(request, "admin/reviews/review/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        """GET asks, POST restores (as a new revision); status and publication stay."""
        review = self._review_or_404(request, object_id, change=True)
        revision = revisions.revision_of(review, revision_id)
        if revision is None:
            raise Http404("No such revision of this review.")
        if request.method == "POST":
            _, notes = revisions.review_restore(review=review, revision=revision, by=request.user)
            self.message_user(
                request,
                f"Restored the revision of {when(revision.date_created)}; it is now the latest "
                f"revision. The review is still {self._state(review)}.",
                messages.SUCCESS,
            )
            for note in notes:
                self.message_user(request, note, messages.WARNING)
            return redirect("admin:reviews_review_change", review.pk)
        context = self._context(
            request, review, "Restore this revision?", revision=revision, state=self._state(review)
        )
        return TemplateResponse(request, "admin/reviews/review/restore.html", context)

    def cancel_change_view(self, request, object_id, change_id):
        """GET asks, POST cancels a change scheduled to go live (editors only)."""
        review = self._review_or_404(request, object_id, change=True)
        if not request.user.has_perm(PUBLISH):
            raise PermissionDenied
        change = get_object_or_404(review.scheduled_changes, pk=change_id)
        if request.method == "POST":
            services.review_cancel_change(change=change, by=request.user)
            self.message_user(
                request,
                "Cancelled: those changes will not go live; the review stays as readers see it.",
                messages.SUCCESS,
            )
            return redirect("admin:reviews_review_change", review.pk)
        context = self._context(request, review, "Cancel this scheduled change?", change=change)
        return TemplateResponse(request, "admin/reviews/review/cancel_change.html", context)

    def preview_view(self, request, object_id):
        """The review as the form now holds it, saved or not (the preview pane's "Refresh
        preview" posts the form here): checked as a save is, rendered, never saved.

        The same people as the saved preview (editors any review, writers their own);
        photos are not sent (a new one shows once saved, a held one at once)."""
        review = self._review_or_404(request, object_id)
        if request.method != "POST":
            return redirect(review.get_preview_url())
        form = self.get_form(request, review, change=True)(request.POST, instance=review)
        rows = {
            FormSet.get_default_prefix(): FormSet(
                data=request.POST,
                instance=review,
                prefix=FormSet.get_default_prefix(),
                queryset=inline.get_queryset(request),
            )
            for FormSet, inline in self.get_formsets_with_inlines(request, review)
            if FormSet.model in (Section, Figure, Credit)
        }
        valid = form.is_valid()  # either way, every valid field is now on the review
        valid = all([formset.is_valid() for formset in rows.values()]) and valid
        draft = form.instance.shown_with(
            sections=[row for _, row in rows["sections"].rows()],
            figures=[row for _, row in rows["figures"].rows() if row.image],
            credits=[row for _, row in rows["credits"].rows()],
        )
        context = {
            "preview": True,
            "unsaved": True,
            "unsaved_errors": not valid,
            "fragment_cache": "nowhere",  # the saved version's fragments would show
        }
        return render_review(request, draft, context=context)

    @staticmethod
    def _state(review: Review) -> str:
        if review.is_scheduled:
            return "scheduled"
        return "published" if review.is_live else "a draft"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "comments_closed" and field is not None:
            days = settings.COMMENTS_CLOSE_AFTER
            field.help_text = "Tick to stop new comments and replies on this review." + (
                f" They also close by themselves {days} days after publication." if days else ""
            )
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "genres":
            # Tick boxes: labelled, no script, and genres are few.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "series" and not request.user.has_perm("reviews.add_series"):
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # No "+" beside the list for them: say who adds a show instead.
            field.help_text = field.help_text.replace(
                "Pick it, or add it with +.", "Pick it; an editor adds a show that is not listed."
            )
            return field
        if db_field.name != "author":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # A list of the staff who may write reviews and past authors, by name: editors may
        # not browse user accounts, so a raw-id lookup of users was a dead end for them.
        # Moderators, who write none, are not offered.
        # Subqueries, not joins made DISTINCT: the joins multiplied a user by their groups,
        # permissions and reviews, and PostgreSQL, planning them over small tables it had
        # not yet analysed, spent half a second compiling (JIT) a list of a few names.
        User = get_user_model()
        may_write = Permission.objects.filter(
            codename="add_review", content_type__app_label="reviews"
        )
        in_a_writing_group = User.groups.through.objects.filter(group__permissions__in=may_write)
        allowed_to_write = User.user_permissions.through.objects.filter(permission__in=may_write)
        kwargs["queryset"] = (
            User.objects.filter(
                Q(is_staff=True)
                & (
                    Q(is_superuser=True)
                    | Q(pk__in=in_a_writing_group.values("user_id"))
                    | Q(pk__in=allowed_to_write.values("user_id"))
                )
                | Q(pk__in=Review.objects.values("author_id"))
            )
            .select_related("profile")
            .order_by("first_name", "last_name", "username")
        )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = account_label
        return field

    @admin.display(description="Author")
    def author_name(self, review):
        return display_name(review.author) if review.author_id else None

    @admin.display(description="Length")
    def length(self, review):
        if not review.pk:
            return "Counted once the sections are saved."
        return f"{review.word_count:,} words · {review.reading_minutes} min read"

    @admin.display(description="Status", ordering="status")
    def status_label(self, review):
        if review.is_submitted:
            return "Submitted"
        if review.is_scheduled:
            return format_html(
                "Scheduled for {}",
                when(review.published_at),
            )
        if review.status == Review.Status.DRAFT and review.sent_back_at:
            return "Sent back"
        return review.get_status_display()

    @admin.display(description="Critic", ordering="author__profile__display_name")
    def critic(self, review):
        return review.byline

    def get_ordering(self, request):
        """Editors see what waits for them first: submitted drafts, oldest first."""
        if request.user.has_perm(PUBLISH):
            return [F("submitted_at").asc(nulls_last=True), "-published_at", "-pk"]
        return super().get_ordering(request)

    def view_on_site(self, review):
        return review.get_absolute_url() if review.is_live else review.get_preview_url()

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        review = context.get("original")
        if review is None:
            context["can_submit"] = add and not request.user.has_perm(PUBLISH)
        else:
            context["can_submit"] = (
                review.status == Review.Status.DRAFT
                and not review.is_submitted
                and self.has_change_permission(request, review)
                and not request.user.has_perm(PUBLISH)
            )
            context["can_send_back"] = review.is_submitted and request.user.has_perm(PUBLISH)
            context["checks"] = review_checks(review)
            context["scheduled_changes"] = list(
                review.scheduled_changes.select_related("created_by__profile")
            )
            context["live_revision"] = revisions.latest_revision(review)
        if getattr(context["adminform"].form, "warnings", None):
            # Only the content checks stand in the way (ReviewForm raises them last): their
            # panel says so and offers "… anyway"; Django's "Please correct the error
            # below" would call advice an error.
            context["errors"] = []
        # Photos stored while validating a refused submission stay: the form carries them
        # (FigureForm.kept) until the save succeeds; abandoned ones are media_orphans'.
        return super().render_change_form(request, context, add=add, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.author_id is None and not change:
            obj.author = request.user
        if form.cleaned_data.get("go_live_at"):
            # What readers keep seeing until the change goes live: the revision the form
            # was opened on (the conflict check made sure it is still the latest).
            form.live_revision = form.latest or revisions.review_save_revision(
                review=obj, by=request.user, comment="The live version."
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Everything is saved: the search text, one freshness event for the review and
        all its rows (sections, photos, credits, poll), the revision, the log's line, then
        the workflow step."""
        super().save_related(request, form, formsets, change)
        review = form.instance
        # "Move up" / "Move down" once every row is saved: a section's move takes the
        # photos placed after it along, which a photo's own form saved later would undo.
        kind, _, move = request.POST.get(MOVE, "").partition("-")
        movable = {each._meta.model_name: each for each in (Section, Figure, Credit)}
        if kind in movable and move.count("-") == 1:
            pk, direction = move.split("-")
            services.review_move_row(
                review=review, model=movable[kind], pk=pk, up=direction == "up"
            )
        review.refresh_search_document()
        freshness.review_changed(review)
        changed = [
            str(form.fields[name].label)
            for name in form.changed_data
            if name not in ("loaded_revision", "save_anyway", "with_scheduled")
        ]
        # What the editor changed, by the fields' data (a form may say it has changed to be
        # saved as it is, as the followers' mailing choice does).
        changed += [
            str(fs.model._meta.verbose_name_plural)
            for fs in formsets
            if any(form.changed_data for form in fs.forms)
        ]
        services.review_record_save(
            review=review,
            by=request.user,
            created=not change,
            was={
                "status": form.initial.get("status"),
                "published_at": form.initial.get("published_at"),
            },
            changes=("Changed " + ", ".join(changed) + ".")
            if change and changed
            else ("Created." if not change else "Saved."),
            step=self._workflow_step(request, review),
        )
        was_live = form.initial.get("status") == Review.Status.PUBLISHED
        if review.status == Review.Status.PUBLISHED and not was_live:
            self.message_user(request, self._published_message(review), messages.SUCCESS)
        if form.cleaned_data.get("with_scheduled") == CARRY:
            self._carry_into_scheduled(request, review, before=form.latest)
        at = form.cleaned_data.get("go_live_at")
        if at is not None:
            services.review_schedule_change(
                review=review, by=request.user, at=at, live=form.live_revision
            )
            self.message_user(
                request,
                f"Your changes go live at {when(at)}; until "
                "then readers see the review as it was. The desk lists it; you can cancel it "
                "from this page.",
                messages.SUCCESS,
            )
        if "_submit" in request.POST and not request.user.has_perm(PUBLISH):
            if review.status == Review.Status.DRAFT:
                services.review_submit(review=review, by=request.user)
                self.message_user(
                    request,
                    "Submitted for review: an editor will publish it or send it back.",
                    messages.SUCCESS,
                )
        elif (
            "_send_back" in request.POST and request.user.has_perm(PUBLISH) and review.is_submitted
        ):
            services.review_send_back(review=review, by=request.user, note=review.editor_note)
            self.message_user(request, "Sent back to the writer with your note.", messages.SUCCESS)

    @staticmethod
    def _published_message(review):
        if review.is_live:
            return format_html(
                'Published: readers see it now. <a href="{}">View it on the site</a>.',
                review.get_absolute_url(),
            )
        return f"Scheduled: it goes live at {when(review.published_at)}."

    def _carry_into_scheduled(self, request, review, *, before) -> None:
        for change, kept in services.review_carry_into_scheduled(
            review=review, before=before, by=request.user
        ).items():
            at = when(change.go_live_at)
            if kept:
                self.message_user(
                    request,
                    f"Saved, and put into the change scheduled for {at}, except what that "
                    f"change edits too, where its version goes live at {at}: "
                    f"{'; '.join(kept)}.",
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    f"Saved, and put into the change scheduled for {at}: it stays when the "
                    "change goes live.",
                    messages.SUCCESS,
                )

    @staticmethod
    def _workflow_step(request, review) -> str:
        if request.POST.get("go_live_at_0"):
            return "schedule_change"
        if "_submit" in request.POST and not request.user.has_perm(PUBLISH):
            return ReviewAction.Action.SUBMIT if review.status == Review.Status.DRAFT else ""
        if "_send_back" in request.POST and request.user.has_perm(PUBLISH) and review.is_submitted:
            return ReviewAction.Action.SEND_BACK
        return ""

    def response_change(self, request, obj):
        if MOVE in request.POST:  # back to the form, where the moved row is
            self.message_user(request, "Saved, and moved.", messages.SUCCESS)
            name = request.POST[MOVE].split("-", 1)[0]
            prefix = {"section": "sections", "figure": "figures", "credit": "credits"}.get(name)
            url = reverse("admin:reviews_review_change", args=[obj.pk])
            return redirect(f"{url}#{prefix}-group" if prefix else url)
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        services.review_delete(review=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.review_delete(review=review, by=request.user)

    def save_formset(self, request, form, formset, change):
        # A new section or figure left at order 0 goes after the existing ones, in the
        # order the editor typed them, so nobody has to number rows by hand.
        if formset.model in (Section, Figure, Credit):
            save_in_order(formset)
        else:
            super().save_formset(request, form, formset, change)

    @admin.action(description="Publish selected reviews", permissions=["publish"])
    def publish_selected(self, request, queryset):
        count = 0
        for review in queryset.select_related("author__profile"):
            unnamed = review.author is not None and not has_a_name(review.author)
            if unnamed and review.status != Review.Status.PUBLISHED:
                self.message_user(
                    request,
                    format_html(
                        "“{}” is not published. {}",
                        review.headline,
                        byline_refusal(review.author, request.user),
                    ),
                    messages.ERROR,
                )
                continue
            services.review_publish(review=review, by=request.user)
            count += 1
        self.message_user(request, f"Published {count} review(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected reviews", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for review in queryset.filter(status=Review.Status.PUBLISHED):
            services.review_unpublish(review=review, by=request.user)
            count += 1
        self.message_user(request, f"Unpublished {count} review(s).", messages.SUCCESS)


@admin.register(Platform, Genre)
class LabelAdmin(admin.ModelAdmin):
    """Platforms, genres and series: a name, its address and the line atop its page."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # a renamed label shows on its reviews' pages and every list
            freshness.review_changed(*obj.reviews.all())


class EpisodeFormSet(forms.BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        return "Each episode is listed once: two rows have the same season and episode number."


class EpisodeInline(admin.TabularInline):
    formset = EpisodeFormSet
    model = Episode
    extra = 1
    fields = ["season_number", "number", "title", "first_aired", "platform"]


@admin.register(Series)
class SeriesAdmin(LabelAdmin):
    """A show, with its episodes (season by season); a recap is a review that names one."""

    inlines = [EpisodeInline]

    def get_inlines(self, request, obj):
        # Adding a show (often from a review's "+") needs only its name; episodes follow.
        return self.inlines if obj is not None else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            freshness.episode_changed(form.instance)


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    """Episodes are edited on their show's page; this list finds them for a recap."""

    list_display = ["__str__", "series", "first_aired"]
    list_filter = ["series"]
    list_select_related = ["series"]
    search_fields = ["title", "series__name"]
    fields = ["series", "season_number", "number", "title", "first_aired", "platform"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.episode_changed(obj.series_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        freshness.episode_changed(obj.series_id)


class PersonFilter(admin.RelatedOnlyFieldListFilter):
    """The content log's "By person": each account in the log, by name, with the login
    name to tell accounts apart (Django's own would list login names alone)."""

    def field_choices(self, field, request, model_admin):
        logged = model_admin.get_queryset(request).values("user_id")
        people = get_user_model().objects.filter(pk__in=logged).select_related("profile")
        return sorted(
            ((person.pk, account_label(person)) for person in people),
            key=lambda choice: choice[1].casefold(),
        )


@admin.register(ReviewAction)
class ReviewActionAdmin(admin.ModelAdmin):
    """The content log: read-only for everyone, superusers included."""

    list_display = ["at", "person", "action", "review_link", "note"]
    list_filter = [
        "action",
        ("user", PersonFilter),
        ("review", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["review_headline", "username", "user__profile__display_name", "note"]
    date_hierarchy = "at"
    list_select_related = ["review", "user__profile"]
    fields = ["at", "person", "account", "action", "review_link", "review_headline", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Person", ordering="username")
    def person(self, entry):
        return entry.person

    @admin.display(description="Account")
    def account(self, entry):
        """The login name, which tells accounts apart (kept after the account is deleted)."""
        return entry.username

    @admin.display(description="Review", ordering="review_headline")
    def review_link(self, entry):
        if entry.review_id is None:
            return format_html("{} <small>(deleted)</small>", entry.review_headline)
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:reviews_review_change", args=[entry.review_id]),
            entry.review_headline,
        )


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Critic profiles: the byline's name, the bio and the portrait.

    Every staff account edits its own ("My profile", top right). Editors edit anyone's
    from "Critics" (the list, on the desk), so a writer's missing display name never
    leaves an editor unable to publish. Moderators see only their own.
    """

    form = ProfileForm
    fields = ["display_name", "bio", "portrait", "portrait_preview", "portrait_alt"]
    readonly_fields = ["portrait_preview"]
    list_display = ["__str__", "user"]

    @staticmethod
    def _edits_anyone(request) -> bool:
        return request.user.is_superuser or request.user.has_perm(PUBLISH)

    def has_module_permission(self, request):
        return request.user.is_staff and self._edits_anyone(request)

    def _own(self, request, obj) -> bool:
        return request.user.is_staff and (
            obj is None or obj.user_id == request.user.pk or self._edits_anyone(request)
        )

    def get_queryset(self, request):
        profiles = super().get_queryset(request).select_related("user")
        return profiles if self._edits_anyone(request) else profiles.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("mine/", view(self.mine_view), name="reviews_profile_mine"),
            path("critic/<int:user_id>/", view(self.critic_view), name="reviews_profile_critic"),
            *super().get_urls(),
        ]

    def mine_view(self, request):
        if not request.user.is_staff:
            raise PermissionDenied
        profile, _ = Profile.objects.get_or_create(user=request.user)
        return redirect("admin:reviews_profile_change", profile.pk)

    def critic_view(self, request, user_id):
        """A critic's profile page, made on first use (as "My profile" is)."""
        if user_id != request.user.pk and not self._edits_anyone(request):
            raise PermissionDenied
        critic = get_object_or_404(critics(), pk=user_id)
        profile, _ = Profile.objects.get_or_create(user=critic)
        return redirect("admin:reviews_profile_change", profile.pk)

    def changelist_view(self, request, extra_context=None):
        """ "Critics": everyone who writes or has written, with their byline as readers
        see it, each a link to their profile."""
        if not (request.user.is_staff and self._edits_anyone(request)):
            raise PermissionDenied
        people = [
            {
                "user": user,
                "byline": display_name(user),
                "named": has_a_name(user),
                "profile": profile_of(user),
                "url": critic_url(user) if has_a_name(user) else "",
            }
            for user in critics().select_related("profile").annotate(count=Count("reviews"))
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Critics",
            "critics": people,
        }
        return TemplateResponse(request, "admin/reviews/profile/critics.html", context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The byline, author page, feeds and JSON-LD show the name: refresh those pages.
        freshness.critic_changed(obj.user)

    def response_change(self, request, obj):
        if obj.user_id == request.user.pk:
            self.message_user(request, "Your profile is saved.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                f"Saved. {obj.user.get_username()}’s byline now reads “{display_name(obj.user)}”.",
                messages.SUCCESS,
            )
        return redirect("admin:reviews_profile_change", obj.pk)

    def render_change_form(self, request, context, *args, **kwargs):
        profile = context.get("original")
        if profile is not None and profile.user_id != request.user.pk:
            context["title"] = f"Byline of {display_name(profile.user)}"
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="Portrait")
    def portrait_preview(self, profile):
        if not profile.portrait:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="120">', profile.portrait_url, profile.portrait_alt
        )


class CriticUserAdmin(UserAdmin):
    """Django's user admin, telling the caches when a critic's shown name changes."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"first_name", "last_name", "username"} & set(form.changed_data):
            freshness.critic_changed(obj)


if admin.site.is_registered(get_user_model()):
    admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), CriticUserAdmin)


def critics():
    """Everyone who may write a review, and everyone who has written one."""
    may_write = Q(
        groups__permissions__codename="add_review",
        groups__permissions__content_type__app_label="reviews",
    ) | Q(
        user_permissions__codename="add_review",
        user_permissions__content_type__app_label="reviews",
    )
    User = get_user_model()
    pks = User.objects.filter(
        (Q(is_staff=True, is_active=True) & (may_write | Q(is_superuser=True)))
        | Q(reviews__isnull=False)
    ).values("pk")
    return User.objects.filter(pk__in=pks).order_by("username")
