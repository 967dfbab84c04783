"""A review form posted after the session ended is kept, and offered back after login."""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

#: The session key holding the typed text until the editor is back on the form's page.
TYPED_TEXT = "reviews.typed_text"
FORMS = {"admin:reviews_review_change", "admin:reviews_review_add"}


class KeepTypedTextMiddleware:
    """Keep a review form's POST from a logged-out browser instead of dropping it.

    Sessions end (12 hours, or a closed browser), and the admin answers a POST without
    one by sending the browser to the login page, which loses what was typed. Here the
    fields go into the (new, anonymous) session, which login keeps; ReviewAdmin then
    shows them in the form, unsaved, for the editor to check and save. Placed after
    CsrfViewMiddleware, so only a POST with a valid token from this browser is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method != "POST"
            or request.user.is_authenticated
            or match is None
            or match.view_name not in FORMS
        ):
            return None
        request.session[TYPED_TEXT] = {
            "path": request.path,
            "data": {
                key: request.POST.getlist(key)
                for key in request.POST
                if key != "csrfmiddlewaretoken"
            },
        }
        return redirect_to_login(request.path, reverse("admin:login"))


def take_typed_text(request) -> dict | None:
    """The fields kept for this page, once (they leave the session)."""
    kept = request.session.get(TYPED_TEXT)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[TYPED_TEXT]
    return kept["data"]
