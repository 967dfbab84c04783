from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from frontpage.models import MAX_PICKS, FrontPage, FrontPick, Page
from infra import freshness
from infra.ordering import save_in_order
from reviews.models import Review

#: The submit button of a pick's "Move up" / "Move down": its value is "<pick pk>:up".
MOVE = "_move"


def _published_reviews():
    return Review.objects.published().order_by("-published_at")


def _choice_only(formfield):
    """A plain choice of review: no add/change/delete/view buttons beside it (reviews are
    written on their own pages)."""
    widget = formfield.widget
    widget.can_add_related = widget.can_change_related = False
    widget.can_delete_related = widget.can_view_related = False
    return formfield


class PickFormSet(BaseInlineFormSet):
    """The picks, each review once and never the lead (shown first already), said in an
    editor's words rather than the database's."""

    def get_unique_error_message(self, unique_check):
        return "Each review can be picked once: the same review is in two rows."

    def clean(self):
        super().clean()
        lead = (self.data.get("lead") or "").strip()
        for form in self.forms:
            review = form.cleaned_data.get("review")
            if review is None or form.cleaned_data.get("DELETE"):
                continue
            if lead and str(review.pk) == lead:
                form.add_error(
                    "review", "This is the lead, shown first already: pick another review."
                )
                raise ValidationError("The lead cannot also be a pick.", code="lead_picked")


class FrontPickInline(admin.TabularInline):
    formset = PickFormSet
    model = FrontPick
    fields = ["review", "order", "move"]
    readonly_fields = ["move"]
    extra = 2
    max_num = MAX_PICKS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("review")  # the buttons name it

    @admin.display(description="Reorder")
    def move(self, pick):
        # Submit buttons of the change form: the whole form is saved, then the pick moves
        # (FrontPageAdmin.save_related). No JavaScript needed.
        if not pick.pk:
            return ""
        return format_html(
            '<button type="submit" name="{}" value="{}:up" class="button editors-move">'
            'Move up<span class="visually-hidden"> {}</span></button> '
            '<button type="submit" name="{}" value="{}:down" class="button editors-move">'
            'Move down<span class="visually-hidden"> {}</span></button>',
            MOVE,
            pick.pk,
            pick.review.headline,
            MOVE,
            pick.pk,
            pick.review.headline,
        )

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)  # a 7th: an error

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "review":
            kwargs["queryset"] = _published_reviews()
            return _choice_only(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FrontPage)
class FrontPageAdmin(admin.ModelAdmin):
    """One front page: the list goes straight to it."""

    fields = ["lead"]
    inlines = [FrontPickInline]

    class Media:
        js = ["js/admin-frontpage.js"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and object_id == str(FrontPage.ONE):  # made on first visit
            return FrontPage.load()
        return found

    def changelist_view(self, request, extra_context=None):
        front = FrontPage.load()
        return HttpResponseRedirect(reverse("admin:frontpage_frontpage_change", args=[front.pk]))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead":
            kwargs["queryset"] = _published_reviews()
            return _choice_only(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.front_page_changed()

    def save_formset(self, request, form, formset, change):
        save_in_order(formset)  # a new pick left at order 0 goes after the others

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pick_id, _, direction = request.POST.get(MOVE, "").partition(":")
        front = form.instance
        front.move(int(pick_id) if pick_id.isdigit() else None, direction)
        freshness.front_page_changed()

    def response_change(self, request, obj):
        if MOVE in request.POST:  # stay on the page to move the next one
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """About, Contact, Privacy, Community guidelines, Corrections: linked from the footer."""

    list_display = ["title", "kind", "updated_at", "view_on_site_link"]
    fields = ["kind", "title", "body"]

    @admin.display(description="On the site")
    def view_on_site_link(self, page):
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), page.get_absolute_url())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.front_page_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        freshness.front_page_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        freshness.front_page_changed()
