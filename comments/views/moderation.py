"""What moderators do on the site: remove, restore and approve comments, dismiss
reports, ban authors.

GET shows a confirmation page and never changes anything; POST acts through
comments.services and goes back (POST-redirect-GET) to the comment on the review page,
or to a `next` address on this site (the admin's change page links here with one).
Anonymous visitors are sent to the login page; anyone logged in without
comments.moderate_comment gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from comments import services
from comments.forms import (
    BanForm,
    DismissForm,
    ModeratorAlertsForm,
    NoticeDecisionForm,
    RemoveForm,
)
from comments.models import Comment, ModeratorAlerts, Notice
from comments.views.public import notify

ALREADY_REMOVED = "This comment was already removed: nothing changed."


def moderator_required(view):
    """Login first (anonymous → login page), then the permission (others → 403)."""
    guarded = permission_required(services.MODERATE, raise_exception=True)(view)
    return never_cache(require_http_methods(["GET", "POST"])(login_required(guarded)))


def _comment(pk) -> Comment:
    return get_object_or_404(Comment.objects.select_related("review").with_removal(), pk=pk)


def _back(request, comment: Comment) -> str:
    """Where to go afterwards: a same-site `next`, else the comment on the moderator's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return comment.page_url(moderator=True)


#: What a confirmation asks and what its button says, for one comment, then for several
#: (the admin's bulk actions; {n}: how many).
CONFIRMATIONS = {
    "remove": (
        ("Remove this comment?", "Remove comment"),
        ("Remove these comments?", "Remove {n} comments"),
    ),
    "restore": (("Restore this comment?", "Restore comment"),),
    "dismiss": (
        ("Keep this comment and dismiss its reports?", "Dismiss reports"),
        ("Keep these comments and dismiss their reports?", "Dismiss reports on {n} comments"),
    ),
    "approve": (("Approve this comment?", "Approve comment"),),
    "ban": (
        ("Ban the author of this comment?", "Ban author"),
        ("Ban the authors of these comments?", "Ban {n} authors"),
    ),
    "purge": (
        ("Purge this comment permanently?", "Yes, purge permanently"),
        ("Purge these comments permanently?", "Yes, purge permanently"),
    ),
}


def confirmation(
    request,
    *,
    action: str,
    comments: list[Comment],
    template: str,
    back: str,
    hidden: list[tuple[str, str]],
    form=None,
    status: int = 200,
    **context,
) -> TemplateResponse:
    """The page that asks before a moderation action: these views' GET pages (one comment)
    and the admin's bulk actions (the selected ones). It shows what the action acts on,
    what will happen and the fields it needs, and changes nothing; its form POSTs back to
    the same address with the hidden fields.

    Templates: comments/confirm_moderation.html (the site's), admin/comments/comment/
    confirm.html (the admin's); both include comments/includes/confirm.html
    Context: action, comments, comment (if only one), title, submit, form, hidden, back
    """
    one = comments[0] if len(comments) == 1 else None
    title, submit = CONFIRMATIONS[action][0 if one else 1]
    context |= {
        "action": action,
        "comments": comments,
        "comment": one,
        "title": title,
        "submit": submit.format(n=len(comments)),
        "form": form,
        "hidden": hidden,
        "back": back,
        "Status": Comment.Status,
    }
    return TemplateResponse(request, template, context, status=status)


def _confirm(request, comment: Comment, action: str, *, form=None, status: int = 200):
    """This site's confirmation page (GET, or a POST whose reason was missing)."""
    back = _back(request, comment)
    return confirmation(
        request,
        action=action,
        comments=[comment],
        template="comments/confirm_moderation.html",
        back=back,
        hidden=[("next", back)],
        form=form,
        status=status,
    )


@moderator_required
def remove(request, pk):
    """Remove a comment with a reason (a soft delete that comment_restore undoes)."""
    comment = _comment(pk)
    if request.method == "GET":
        return _confirm(request, comment, "remove", form=RemoveForm())
    if comment.status == Comment.Status.REMOVED:
        notify(request, messages.INFO, ALREADY_REMOVED, comment=comment)
        return redirect(_back(request, comment))
    form = RemoveForm(request.POST)
    if not form.is_valid():
        return _confirm(request, comment, "remove", form=form, status=400)
    # RemoveForm's fields are exactly comment_remove's arguments.
    entry = services.comment_remove(comment=comment, by=request.user, **form.cleaned_data)
    if entry is None:  # another moderator was quicker
        notify(request, messages.INFO, ALREADY_REMOVED, comment=comment)
    else:
        notify(
            request,
            messages.SUCCESS,
            f"Comment removed ({entry.get_reason_display().lower()}). Readers no longer see it; "
            "it is kept and can be restored.",
            comment=comment,
        )
    return redirect(_back(request, comment))


def _act(request, pk, action: str, service, *, done, not_applicable: str):
    """Restore and approve: GET confirms, POST calls the service and says what happened."""
    comment = _comment(pk)
    if request.method == "GET":
        return _confirm(request, comment, action)
    if service(comment=comment, by=request.user) is None:
        status = comment.get_status_display().lower()
        notify(request, messages.INFO, not_applicable.format(status=status), comment=comment)
    else:
        said = done if isinstance(done, str) else done(comment)
        notify(request, messages.SUCCESS, said, comment=comment)
    return redirect(_back(request, comment))


@moderator_required
def restore(request, pk):
    """Undo a removal: back on the page, or back in the queue if it was held."""
    return _act(
        request,
        pk,
        "restore",
        services.comment_restore,
        done=lambda comment: (
            "Comment restored: it awaits moderation again, as it did when "
            "it was removed. Approve it to publish it."
            if comment.status == Comment.Status.PENDING
            else "Comment restored: readers see it again."
        ),
        not_applicable="This comment is not removed ({status}): nothing changed.",
    )


@moderator_required
def approve(request, pk):
    """Publish a comment that was awaiting moderation."""
    return _act(
        request,
        pk,
        "approve",
        services.comment_approve,
        done="Comment approved: readers see it now.",
        not_applicable="This comment is not awaiting moderation ({status}): nothing changed.",
    )


@moderator_required
def dismiss(request, pk):
    """Keep a reported comment: close its reports (a comment they hid comes back)."""
    comment = _comment(pk)
    if request.method == "GET":
        return _confirm(request, comment, "dismiss", form=DismissForm())
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _confirm(request, comment, "dismiss", form=form, status=400)
    status_before = comment.status
    # DismissForm's fields are exactly reports_dismiss's arguments.
    entry = services.reports_dismiss(comment=comment, by=request.user, **form.cleaned_data)
    if entry is None:
        notify(
            request,
            messages.INFO,
            "This comment has no open report: nothing changed.",
            comment=comment,
        )
    else:
        # reports_dismiss changes the status only to publish a comment the reports had hidden
        # (and mirrors it on this copy); a comment that was never hidden is not "shown again".
        shown_again = comment.status != status_before
        notify(
            request,
            messages.SUCCESS,
            f"Reports dismissed ({entry.note}). "
            + (
                "The comment is kept and shown again."
                if shown_again
                else "The comment stays as it is."
            ),
            comment=comment,
        )
    return redirect(_back(request, comment))


@moderator_required
def ban(request, pk):
    """Ban or suspend a comment's author (cookie, e-mail address, account), with a reason;
    the comment is removed too unless the moderator unticks it."""
    comment = _comment(pk)
    if request.method == "GET":
        return _confirm(request, comment, "ban", form=BanForm())
    form = BanForm(request.POST)
    if not form.is_valid():
        return _confirm(request, comment, "ban", form=form, status=400)
    data = form.cleaned_data
    # BanForm's fields are exactly commenter_ban's arguments.
    made = services.commenter_ban(comment=comment, by=request.user, **data)
    notify(
        request,
        messages.SUCCESS,
        f"{comment.name} is banned from commenting {made.length_label}"
        f"{' and the comment is removed' if data['remove'] else ''}.",
        comment=comment,
    )
    return redirect(_back(request, comment))


@moderator_required
def alerts(request):
    """A moderator's own alert setting: none, one e-mail per comment, or a digest.

    Templates: comments/moderator_alerts.html
    Context: form
    """
    current = ModeratorAlerts.objects.filter(user=request.user).first()
    form = ModeratorAlertsForm(
        request.POST or None, instance=current, initial={"email": request.user.email}
    )
    if request.method == "POST" and form.is_valid():
        services.moderator_alerts_set(
            user=request.user,
            frequency=form.cleaned_data["frequency"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, "Your alert setting is saved.")
        return redirect("comments:alerts")
    status = 400 if form.is_bound else 200
    return render(request, "comments/moderator_alerts.html", {"form": form}, status=status)


@never_cache
@require_POST
@login_required
@permission_required(services.PIN, raise_exception=True)
def pin(request, pk):
    """Pin a comment as an editor's pick, or unpin it (the button says which)."""
    comment = _comment(pk)
    pinned = request.POST.get("pinned") == "1"
    if services.comment_pin(comment=comment, by=request.user, pinned=pinned):
        done = "Pinned as an editor’s pick." if pinned else "No longer an editor’s pick."
        notify(request, messages.SUCCESS, done, comment=comment)
    else:
        notify(request, messages.INFO, "Nothing changed.", comment=comment)
    return redirect(_back(request, comment))


@moderator_required
def decide_notice(request, pk):
    """Decide a notice of illegal content: remove the comment or keep it, with the ground
    that goes to the notifier (and the author) as the statement of reasons.

    Templates: comments/notice_decide.html
    Context: notice, comment, form
    """
    notice = get_object_or_404(Notice.objects.select_related("comment__review"), pk=pk)
    context = {"notice": notice, "comment": notice.comment}
    if notice.decided_at is not None:
        return render(request, "comments/notice_decide.html", context)
    form = NoticeDecisionForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(
            request, "comments/notice_decide.html", context | {"form": form}, status=status
        )
    decided = services.notice_decide(notice=notice, by=request.user, **form.cleaned_data)
    if decided is None:
        messages.info(request, "Another moderator decided this notice first: nothing changed.")
    else:
        messages.success(
            request,
            f"Notice {notice.pk} decided: {decided.get_decision_display().lower()}. The "
            "statement of reasons is on its way to the notifier.",
        )
    return redirect("admin:comments_notice_changelist")
