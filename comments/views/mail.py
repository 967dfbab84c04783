"""Where links in e-mails lead: confirming an address, and unsubscribing.

Both work without logging in: the signed token in the link is the authority. A GET only
shows a page with a button, because mail scanners open links to check them; the button
POSTs. RFC 8058's one-click unsubscribe is the same POST made by the mail program.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments import mail, services
from readers.sameorigin import reader_form


def _bad_link(request, error: mail.BadLink):
    return render(request, "comments/mail_link.html", {"error": str(error)}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
@reader_form
def confirm_email(request, token):
    """Confirm an address for reply e-mails.

    Templates: comments/mail_link.html
    Context: action ("confirm"), email (masked), done, error
    """
    try:
        email, sent_at = mail.read_confirm(token)
    except mail.BadLink as error:
        return _bad_link(request, error)
    context = {"action": "confirm", "email": mail.masked(email)}
    if request.method == "GET":
        return render(request, "comments/mail_link.html", context)
    try:
        services.subscription_confirm(email=email, sent_at=sent_at)
    except services.StaleLink:
        return _bad_link(
            request,
            mail.BadLink(
                "This link was sent before this address unsubscribed, so it no longer "
                "works. Post a comment with the e-mail box ticked to get a new one."
            ),
        )
    return render(request, "comments/mail_link.html", context | {"done": True})


@never_cache
@csrf_exempt  # mail programs POST here from their own servers (RFC 8058); the token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop reply e-mails about one comment or about all of them.

    Templates: comments/mail_link.html
    Context: action ("unsubscribe"), email (masked), comment_id, done, scope
    """
    try:
        email, comment_id = mail.read_unsubscribe(token)
    except mail.BadLink as error:
        return _bad_link(request, error)
    context = {"action": "unsubscribe", "email": mail.masked(email), "comment_id": comment_id}
    if request.method == "GET":
        return render(request, "comments/mail_link.html", context)
    # The one-click POST body is List-Unsubscribe=One-Click; our page's button may ask for
    # every comment instead of the one the link names.
    scope = None if request.POST.get("scope") == "all" else comment_id
    services.subscription_stop(email=email, comment_id=scope)
    return render(
        request, "comments/mail_link.html", context | {"done": True, "all": scope is None}
    )
