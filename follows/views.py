"""Following by e-mail: the form's POST, the newsletter page, and where links in follow
mail lead ("Your e-mails", confirm, unsubscribe).

The form sits on shared, cached pages, so it carries nothing personal and its POST
answers with a redirect to one thank-you page, the same whether or not the address
already follows (nobody learns who follows what). Link pages work without logging in:
the signed token is the authority; a GET only shows a button, because mail scanners
open links, and the button POSTs.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comments.mail import masked
from follows import links, services
from follows.forms import FollowChangeForm, FollowForm, ThanksBackForm, what_choices
from follows.models import Follow
from infra import httpcache
from readers.clientip import client_ip
from readers.ratelimit import hit, too_many_requests
from readers.sameorigin import reader_form
from reviews.models import critic_url, display_name


@require_safe
def newsletter(request):
    """Follow the whole site. Templates: follows/newsletter.html. Context: form, choices,
    checked"""
    context = {"form": FollowForm(), "choices": what_choices(), "checked": Follow.Kind.SITE}
    response = render(request, "follows/newsletter.html", context)
    return httpcache.shared(response, ["follows"])


@require_safe
def thanks(request):
    """After the form: the same words for every address, and a link back to the series or
    critic whose page the form was on (?series= or ?critic=, from the form's redirect).
    Templates: follows/thanks.html. Context: back ({"url", "name"} or None)"""
    form = ThanksBackForm(request.GET)
    form.is_valid()  # an unknown series or critic is left out: the link goes home instead
    series, critic = form.cleaned_data.get("series"), form.cleaned_data.get("critic")
    back = None
    if series:
        back = {"url": series.get_absolute_url(), "name": series.name}
    elif critic:
        back = {"url": critic_url(critic), "name": f"{display_name(critic)}’s reviews"}
    response = render(request, "follows/thanks.html", {"back": back})
    # A renamed series or critic sends review_changed or critic_changed: both purge LISTING.
    return httpcache.shared(response, ["follows", *([httpcache.LISTING] if back else [])])


@require_POST
@reader_form
def follow(request):
    """Ask for a confirmation link, then to the thank-you page (POST-redirect-GET).

    Templates: follows/newsletter.html when the form is refused (400)
    Context: form, following, choices, checked, series, critic
    """
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    wait = hit("follow-ip", client_ip(request))
    if wait:
        return too_many_requests(
            request, wait, action="asked to follow several times", back="/newsletter/"
        )
    services.follow_request(
        email=form.cleaned_data["email"],
        frequency=form.cleaned_data["frequency"],
        **form.target,
    )
    return redirect(reverse("follows:thanks") + _back_query(form))


def _refused(request, form: FollowForm):
    """The form again, marked, on a page like the one it was sent from (400).

    It offers what that page offered, as the reader chose it, with the address as typed.
    The heading names what was chosen, else the page's series or critic (as the thank-you
    page's link back does), else it is the newsletter.
    """
    series, critic = form.cleaned_data.get("series"), form.cleaned_data.get("critic")
    choices = what_choices(series=series, critic=critic)
    offered = [value for value, _ in choices]
    what = form.data.get("what")
    checked = what if what in offered else offered[0]
    # Everything, from a series or critic page: still named after that page.
    kind = offered[0] if checked == Follow.Kind.SITE else checked
    following = (
        services.describe(kind=kind, series=series, critic=critic)
        if kind != Follow.Kind.SITE
        else None
    )
    context = {
        "form": form,
        "following": following,
        "choices": choices,
        "checked": checked,
        "series": series,
        "critic": critic,
    }
    return render(request, "follows/newsletter.html", context, status=400)


def _back_query(form: FollowForm) -> str:
    """Where the thank-you page links back to: what was followed, else the form's page."""
    target, data = form.target, form.cleaned_data
    series = target["series"] or (None if target["critic"] else data.get("series"))
    critic = target["critic"] or (None if series else data.get("critic"))
    if series:
        return "?" + urlencode({"series": series.slug})
    if critic:
        return "?" + urlencode({"critic": critic.pk})
    return ""


def _bad_link(request, error: Exception):
    return render(request, "follows/link.html", {"error": str(error)}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
@reader_form
def confirm(request, token):
    """Confirm a follow from its e-mailed link. Templates: follows/link.html.
    Context: action ("confirm"), what, done, error"""
    try:
        wish = links.read_confirm(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    what = _what(wish)
    if what is None:
        return _bad_link(request, links.BadLink("What this link follows no longer exists."))
    context = {"action": "confirm", "what": what, "email": masked(wish["email"])}
    if request.method == "GET":
        if services.already_followed(**wish):  # the link, opened again after it was used
            context |= {"already": True, "manage_url": links.manage_url(wish["email"])}
        return render(request, "follows/link.html", context)
    try:
        services.follow_confirm(**wish)
    except services.StaleLink:
        return _bad_link(
            request,
            links.BadLink(
                "This link was sent before this address stopped following, so it no longer "
                "works. Follow again from the site to get a new one."
            ),
        )
    except services.GoneTarget:
        return _bad_link(request, links.BadLink("What this link follows no longer exists."))
    return render(
        request,
        "follows/link.html",
        context | {"done": True, "manage_url": links.manage_url(wish["email"])},
    )


def _what(wish: dict) -> str | None:
    from django.contrib.auth import get_user_model

    from reviews.models import Series

    series = critic = None
    if wish["kind"] == Follow.Kind.SERIES:
        series = Series.objects.filter(pk=wish["series"]).first()
        if series is None:
            return None
    elif wish["kind"] == Follow.Kind.CRITIC:
        critic = get_user_model().objects.filter(pk=wish["critic"]).first()
        if critic is None:
            return None
    elif wish["kind"] != Follow.Kind.SITE:
        return None
    return services.describe(kind=wish["kind"], series=series, critic=critic)


@never_cache
@require_http_methods(["GET", "POST"])
@reader_form
def manage(request, token):
    """ "Your e-mails": what an address follows; change how often, stop one, stop all.

    Templates: follows/manage.html. Context: email (masked), follows, frequencies, done,
    error, undeliverable
    """
    try:
        email = links.read_manage(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    follower = services.follower_for(email)
    done = refused = None
    if request.method == "POST":
        if request.POST.get("stop") == "all":
            services.follows_stop(email=email)
            done = (
                "You follow nothing now: we will not e-mail you about new reviews or about "
                "replies to your comments."
            )
        else:
            form = FollowChangeForm(request.POST)
            if follower is None or not form.is_valid():
                refused = (
                    "Nothing changed: choose how often, or press Stop following, on a follow below."
                )
            else:
                frequency = form.cleaned_data["frequency"]
                stop = request.POST.get("stop") == "one" or frequency == "stop"
                follow = services.follow_change(
                    follower=follower,
                    follow_id=form.cleaned_data["follow"],
                    frequency=None if stop else frequency,
                )
                if follow is None:
                    refused = "Nothing changed: that follow is no longer on this list."
                else:
                    done = (
                        f"You no longer follow {follow.label}."
                        if stop
                        else f"Saved: {follow.label}, {Follow.Frequency(frequency).label.lower()}."
                    )
    follows = (
        list(follower.follows.select_related("series", "critic")) if follower is not None else []
    )
    return render(
        request,
        "follows/manage.html",
        {
            "email": masked(email),
            "follows": follows,
            "frequencies": Follow.Frequency.choices,
            "done": done,
            "error": refused,
            "undeliverable": follower is not None and follower.undeliverable_at is not None,
        },
    )


@never_cache
@csrf_exempt  # mail programs POST here from their own servers (RFC 8058); the token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop every follow of the address: a page with a button, or the one-click POST.

    Templates: follows/link.html. Context: action ("unsubscribe"), email, done
    """
    try:
        email = links.read_unsubscribe(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    context = {"action": "unsubscribe", "email": masked(email)}
    if request.method == "GET":
        return render(request, "follows/link.html", context)
    services.follows_stop(email=email)
    return render(request, "follows/link.html", context | {"done": True})
