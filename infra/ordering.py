"""Rows an editor orders without typing a number (a review's sections, photos and
credits; the front page's picks): a new row left at order 0 goes after the saved ones."""

from django.db.models import Max


def save_in_order(formset) -> None:
    """Save an inline formset whose model has an `order` field: deleted rows go, and new
    rows left at 0 follow the saved ones, in the order they were typed."""
    rows = formset.save(commit=False)
    for gone in formset.deleted_objects:
        gone.delete()
    siblings = formset.model.objects.filter(**{formset.fk.name: formset.instance})
    last = siblings.aggregate(m=Max("order"))["m"] or 0
    for row in rows:
        if row.pk is None and row.order == 0:
            last += 1
            row.order = last
        row.save()
    formset.save_m2m()
