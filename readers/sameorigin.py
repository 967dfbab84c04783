"""Reader forms refuse cross-site posts by Fetch Metadata instead of a CSRF token.

A token in the page makes every new reader's page different, so no shared cache could
keep it. Browsers say where a request comes from instead: `Sec-Fetch-Site` on every
request (all current browsers) and `Origin` on every POST, which no page of another site
can forge. This is the check of Go 1.25's CrossOriginProtection and OWASP's cheat sheet.
A request with neither header is not from a browser, so no reader's cookies are being
ridden: it is treated like any other script (honeypot, stamp, rate limits).

django-modern-csrf does this by replacing CsrfViewMiddleware for the whole site, and
django-fetch-metadata is a resource-isolation policy for GETs; we keep Django's token
for the admin, the login, moderation and anyone signed in, so the check is one decorator.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

#: Sec-Fetch-Site values of a request this site's own page made (or the reader typed).
ALLOWED_SITES = frozenset({"same-origin", "none"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def is_cross_origin(request: HttpRequest) -> bool:
    """Did another site's page send this request (another subdomain counts as another site)?"""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ALLOWED_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # neither header: not a browser
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


def refused(request: HttpRequest) -> HttpResponse:
    return render(request, "403_cross_site.html", status=403)


def reader_form(view):
    """Protect a reader's POST view by Fetch Metadata; signed-in users also need the token.

    Pages for signed-in users are rendered for them alone (never shared), so their forms
    still carry Django's token and it is still checked.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS and is_cross_origin(request):
            return refused(request)
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)
