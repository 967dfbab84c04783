from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from polls.admin import REVIEW_POLL_RESULTS_PREFETCH, PollInline, review_poll_results
from reviews import revisions, services
from reviews.forms import (
    DATETIME_OVERRIDES,
    FigureForm,
    FigureFormSet,
    ProfileForm,
    ReviewAdminForm,
)
from reviews.middleware import take_typed_text
from reviews.models import (
    PUBLISH,
    Credit,
    Figure,
    Genre,
    Platform,
    Profile,
    Review,
    ReviewAction,
    Section,
    Series,
    display_name,
    has_a_name,
)


class WorkflowFilter(admin.SimpleListFilter):
    """The editors' queue: drafts their writers have submitted."""

    title = "workflow"
    parameter_name = "workflow"

    def lookups(self, request, model_admin):
        return [
            ("submitted", "Submitted for review"),
            ("sent_back", "Sent back to the writer"),
            ("draft", "Drafts not submitted"),
        ]

    def queryset(self, request, queryset):
        drafts = queryset.filter(status=Review.Status.DRAFT)
        if self.value() == "submitted":
            return drafts.filter(submitted_at__isnull=False)
        if self.value() == "sent_back":
            return drafts.filter(submitted_at__isnull=True, sent_back_at__isnull=False)
        if self.value() == "draft":
            return drafts.filter(submitted_at__isnull=True)
        return queryset


class SectionInline(admin.StackedInline):
    model = Section
    fields = ["order", "heading", "body"]
    extra = 1


class FigureInline(admin.StackedInline):
    model = Figure
    form = FigureForm
    formset = FigureFormSet
    fields = ["position", "order", "image", "preview", "alt_text", "caption", "credit"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description="Preview")
    def preview(self, figure):
        if not figure.pk or not figure.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="240"><br><small>{} × {} px, {} renditions</small>',
            figure.thumbnail_url,
            figure.alt_text,
            figure.width,
            figure.height,
            len(figure.renditions),
        )


class CreditInline(admin.StackedInline):
    """Stacked, not tabular: a tabular inline's inputs have no labels of their own."""

    model = Credit
    fields = ["order", "kind", "person", "role"]
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
        "author",
        review_poll_results,
    ]
    list_filter = [WorkflowFilter, "status", "work_kind", "series", "platform", "genres"]
    list_select_related = ["author", "platform", "poll"]
    search_fields = ["headline", "standfirst", "work_title", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    actions = ["publish_selected", "unpublish_selected"]
    inlines = [SectionInline, FigureInline, CreditInline, PollInline]
    readonly_fields = ["length"]

    class Media:
        js = ["js/admin-editors.js"]

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
        return [*self.readonly_fields, "author", "status", "published_at"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm(PUBLISH):
            fieldsets.append(("Workflow", {"fields": ["editor_note"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.current_user = request.user
        form.returned_after_login = getattr(request, "typed_text_returned", False)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
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
            *super().get_urls(),
        ]

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
        if old.date_created > new.date_created:
            old, new = new, old
        rows = revisions.compare(old, new)
        context = self._context(
            request,
            review,
            f"Compare revisions of “{review.headline}”",
            old=old,
            new=new,
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
            when = timezone.localtime(revision.date_created)
            self.message_user(
                request,
                f"Restored the revision of {when:%d %b %Y %H:%M}; it is now the latest "
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

    @staticmethod
    def _state(review: Review) -> str:
        if review.is_scheduled:
            return "scheduled"
        return "published" if review.is_live else "a draft"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "genres":
            # Tick boxes: labelled, no script, and genres are few.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "author":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # A list of the staff and past authors, by name: editors may not browse user
        # accounts, so a raw-id lookup of users was a dead end for them.
        kwargs["queryset"] = (
            get_user_model()
            .objects.filter(Q(is_staff=True) | Q(reviews__isnull=False))
            .select_related("profile")
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = lambda user: (
            f"{display_name(user)} ({user.get_username()})"
            if has_a_name(user)
            else user.get_username()
        )
        return field

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
                "Scheduled <small>({})</small>",
                timezone.localtime(review.published_at).strftime("%d %b %Y %H:%M"),
            )
        return review.get_status_display()

    def view_on_site(self, review):
        return review.get_absolute_url() if review.is_live else review.get_preview_url()

    def _release_refused_uploads(self, request, context, *args, **kwargs):
        if request.method == "POST":
            # The submission was refused: photos stored while validating it are released
            # (a file another figure already uses stays). The editor uploads again.
            for inline in context.get("inline_admin_formsets", []):
                for figure_form in inline.formset.forms:
                    if getattr(figure_form, "stored", False):
                        figure_form.instance.release_files()
        return super().render_change_form(request, context, *args, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        review = context.get("original")
        if review is not None:
            context["can_submit"] = (
                review.status == Review.Status.DRAFT
                and not review.is_submitted
                and self.has_change_permission(request, review)
                and not request.user.has_perm(PUBLISH)
            )
            context["can_send_back"] = review.is_submitted and request.user.has_perm(PUBLISH)
        return self._release_refused_uploads(request, context, add=add, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.author_id is None and not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Everything is saved: store the revision, log the save, then the workflow step."""
        super().save_related(request, form, formsets, change)
        review = form.instance
        changed = [
            str(form.fields[name].label)
            for name in form.changed_data
            if name not in ("loaded_revision", "save_anyway")
        ]
        changed += [str(fs.model._meta.verbose_name_plural) for fs in formsets if fs.has_changed()]
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

    def delete_model(self, request, obj):
        services.review_delete(review=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.review_delete(review=review, by=request.user)

    def save_formset(self, request, form, formset, change):
        # A new section or figure left at order 0 goes after the existing ones, in the
        # order the editor typed them, so nobody has to number rows by hand.
        if formset.model in (Section, Figure, Credit):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                obj.delete()
            top = formset.model.objects.filter(review=form.instance).aggregate(m=Max("order"))["m"]
            top = top or 0
            for obj in instances:
                if obj.pk is None and obj.order == 0:
                    top += 1
                    obj.order = top
                obj.save()
            formset.save_m2m()
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
                    f"“{review.headline}” is not published: its byline would read "
                    f"“{review.author.get_username()}”, a login name. Its author sets a "
                    "display name under “My profile” first.",
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


@admin.register(Platform, Genre, Series)
class LabelAdmin(admin.ModelAdmin):
    """Platforms, genres and series: a name, its address and the line atop its page."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReviewAction)
class ReviewActionAdmin(admin.ModelAdmin):
    """The content log: read-only for everyone, superusers included."""

    list_display = ["at", "username", "action", "review_link", "note"]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("review", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["review_headline", "username", "note"]
    date_hierarchy = "at"
    list_select_related = ["review"]
    fields = ["at", "username", "user", "action", "review_link", "review_headline", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
    """Each staff account edits its own critic profile ("My profile", top right).

    Not listed on the admin index (moderators would otherwise see a Reviews section);
    superusers may open anyone's from the list.
    """

    form = ProfileForm
    fields = ["display_name", "bio", "portrait", "portrait_preview", "portrait_alt"]
    readonly_fields = ["portrait_preview"]
    list_display = ["__str__", "user"]

    def has_module_permission(self, request):
        return False

    def _own(self, request, obj) -> bool:
        return request.user.is_staff and (
            obj is None or obj.user_id == request.user.pk or request.user.is_superuser
        )

    def get_queryset(self, request):
        profiles = super().get_queryset(request).select_related("user")
        return profiles if request.user.is_superuser else profiles.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        mine = path(
            "mine/", self.admin_site.admin_view(self.mine_view), name="reviews_profile_mine"
        )
        return [mine, *super().get_urls()]

    def mine_view(self, request):
        if not request.user.is_staff:
            raise PermissionDenied
        profile, _ = Profile.objects.get_or_create(user=request.user)
        return redirect("admin:reviews_profile_change", profile.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The byline, author page, feeds and JSON-LD show the name: refresh those pages.
        Review.objects.filter(author=obj.user).touch()

    def response_change(self, request, obj):
        self.message_user(request, "Your profile is saved.", messages.SUCCESS)
        return redirect("admin:reviews_profile_change", obj.pk)

    @admin.display(description="Portrait")
    def portrait_preview(self, profile):
        if not profile.portrait:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="120">', profile.portrait_url, profile.portrait_alt
        )
