from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.html import format_html

from reviews.forms import FigureForm, FigureFormSet
from reviews.models import Credit, Figure, Genre, Platform, Review, Section, Series


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


class CreditInline(admin.TabularInline):
    model = Credit
    fields = ["order", "kind", "person", "role"]
    extra = 1


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["headline", "status_label", "published_at", "work_label", "author"]
    list_filter = ["status", "work_kind", "series", "platform", "genres"]
    list_select_related = ["author", "platform"]
    search_fields = ["headline", "standfirst", "work_title", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["genres"]
    actions = ["publish_selected", "unpublish_selected"]
    inlines = [SectionInline, FigureInline, CreditInline]
    #: Prefetches for columns other apps add to the list (polls adds its results), so
    #: the list stays a fixed number of queries however many reviews it shows.
    list_prefetch_related: list = []
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "author"]}),
        ("Verdict", {"fields": ["verdict", "score"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
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
        return super().get_queryset(request).prefetch_related(*self.list_prefetch_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "author":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # A list of the staff and past authors, by name: editors may not browse user
        # accounts, so a raw-id lookup of users was a dead end for them.
        kwargs["queryset"] = (
            get_user_model()
            .objects.filter(Q(is_staff=True) | Q(reviews__isnull=False))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})"
            if user.get_full_name()
            else user.get_username()
        )
        return field

    @admin.display(description="Status", ordering="status")
    def status_label(self, review):
        if review.is_scheduled:
            return format_html(
                "Scheduled <small>({})</small>",
                timezone.localtime(review.published_at).strftime("%d %b %Y %H:%M"),
            )
        return review.get_status_display()

    def view_on_site(self, review):
        return review.get_absolute_url() if review.is_live else review.get_preview_url()

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST":
            # The submission was refused: photos stored while validating it are released
            # (a file another figure already uses stays). The editor uploads again.
            for inline in context.get("inline_admin_formsets", []):
                for figure_form in inline.formset.forms:
                    if getattr(figure_form, "stored", False):
                        figure_form.instance.release_files()
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.author_id is None and not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

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

    @admin.action(description="Publish selected reviews", permissions=["change"])
    def publish_selected(self, request, queryset):
        count = 0
        for review in queryset:
            review.publish()
            count += 1
        self.message_user(request, f"Published {count} review(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected reviews", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for review in queryset.filter(status=Review.Status.PUBLISHED):
            review.unpublish()
            count += 1
        self.message_user(request, f"Unpublished {count} review(s).", messages.SUCCESS)


@admin.register(Platform, Genre, Series)
class LabelAdmin(admin.ModelAdmin):
    """Platforms, genres and series: a name, its address and the line atop its page."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
