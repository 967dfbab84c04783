"""Shared helpers for the editors' tests: open a review's change form, change it, save it."""

from django.urls import reverse

from tests.forms import form_data


def change_url(review) -> str:
    return reverse("admin:reviews_review_change", args=[review.pk])


def history_url(review) -> str:
    return reverse("admin:reviews_review_history", args=[review.pk])


def restore_url(review, revision) -> str:
    return reverse("admin:reviews_review_restore", args=[review.pk, revision.pk])


def preview_url(review) -> str:
    """Where "Refresh preview" posts the form: its text shown, never saved."""
    return reverse("admin:reviews_review_preview", args=[review.pk])


def compare_url(review) -> str:
    return reverse("admin:reviews_review_compare", args=[review.pk])


def open_form(client, review) -> dict:
    """The change form's fields as the browser holds them once the page has loaded."""
    response = client.get(change_url(review))
    assert response.status_code == 200, response.status_code
    return form_data(response.content.decode(), form_id="review_form")


def save(client, review, data=None, **changes):
    """Post the change form (opened now unless `data` is given) with `changes` typed in."""
    data = dict(open_form(client, review) if data is None else data)
    data.update(changes)
    return client.post(change_url(review), data)
