"""Who may do what: every moderation URL and admin page, for every kind of visitor.

Each row of CODES is one request and the exact status code each persona gets:
anonymous, a logged-in reader (no staff rights), a writer, an editor, a moderator, a
superuser.
POSTs also say who actually changes something; for everyone else nothing may change.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from comments.models import ModerationAction
from reviewsite.roles import MODERATORS
from tests.comments.moderating import CHANGELIST, LOG, bulk, make_thread, snapshot, url

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reader", "writer", "editor", "moderator", "superuser"]
MODERATING = {"moderator", "superuser"}
EVERYONE = set(PERSONAS)
NOBODY: set[str] = set()


def admin(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


#: What each persona gets, in PERSONAS order, and who (if anyone) changes something.
#: The site's moderation pages send anonymous visitors to the login page and give 403 to
#: anyone logged in without the right; the admin sends anonymous visitors and readers
#: (who are not staff) to its login page. A writer is refused everything about comments,
#: like an editor, and someone else's review is "not found" for them (a redirect).
CODES = {
    "site remove GET": (302, 403, 403, 403, 200, 200, NOBODY),
    "site remove POST": (302, 403, 403, 403, 302, 302, MODERATING),
    "site restore GET": (302, 403, 403, 403, 200, 200, NOBODY),
    "site restore POST": (302, 403, 403, 403, 302, 302, MODERATING),
    "site approve GET": (302, 403, 403, 403, 200, 200, NOBODY),
    "site approve POST": (302, 403, 403, 403, 302, 302, MODERATING),
    "report GET": (200, 200, 200, 200, 200, 200, NOBODY),
    "report POST": (302, 302, 302, 302, 302, 302, EVERYONE),
    "admin comment list": (302, 302, 403, 403, 200, 200, NOBODY),
    "admin comment page": (302, 302, 403, 403, 200, 200, NOBODY),
    "admin comment edit": (302, 302, 403, 403, 403, 403, NOBODY),
    "admin comment add": (302, 302, 403, 403, 403, 403, NOBODY),
    "admin comment delete": (302, 302, 403, 403, 403, 403, NOBODY),
    "admin bulk delete": (302, 302, 403, 403, 302, 302, NOBODY),
    "admin bulk remove, asked why": (302, 302, 403, 403, 200, 200, NOBODY),
    "admin bulk remove": (302, 302, 403, 403, 302, 302, MODERATING),
    "admin bulk restore": (302, 302, 403, 403, 302, 302, MODERATING),
    "admin bulk approve": (302, 302, 403, 403, 302, 302, MODERATING),
    "admin bulk purge, asked": (302, 302, 403, 403, 302, 200, NOBODY),
    "admin bulk purge": (302, 302, 403, 403, 302, 302, {"superuser"}),
    "admin log list": (302, 302, 403, 403, 200, 200, NOBODY),
    "admin log entry": (302, 302, 403, 403, 200, 200, NOBODY),
    "admin log edit": (302, 302, 403, 403, 403, 403, NOBODY),
    "admin log add": (302, 302, 403, 403, 403, 403, NOBODY),
    "admin log delete": (302, 302, 403, 403, 403, 403, NOBODY),
    "admin reviews": (302, 302, 200, 200, 403, 200, NOBODY),
    "admin review page": (302, 302, 302, 200, 403, 200, NOBODY),
    "admin polls": (302, 302, 200, 200, 403, 200, NOBODY),
    "admin users": (302, 302, 403, 403, 403, 200, NOBODY),
    "admin groups": (302, 302, 403, 403, 403, 200, NOBODY),
}

#: The request behind each row: method, and (url, data) built from the test's thread.
REQUESTS = {
    "site remove GET": ("get", lambda t: (url("remove", t.published), {})),
    "site remove POST": ("post", lambda t: (url("remove", t.published), {"reason": "spam"})),
    "site restore GET": ("get", lambda t: (url("restore", t.removed), {})),
    "site restore POST": ("post", lambda t: (url("restore", t.removed), {})),
    "site approve GET": ("get", lambda t: (url("approve", t.pending), {})),
    "site approve POST": ("post", lambda t: (url("approve", t.pending), {})),
    "report GET": ("get", lambda t: (url("report", t.published), {})),
    "report POST": ("post", lambda t: (url("report", t.published), {"reason": "spam"})),
    "admin comment list": ("get", lambda t: (CHANGELIST, {})),
    "admin comment page": (
        "get",
        lambda t: (admin("comments_comment_change", t.published.pk), {}),
    ),
    "admin comment edit": (
        "post",
        lambda t: (
            admin("comments_comment_change", t.published.pk),
            {"status": "removed", "body": "Edited"},
        ),
    ),
    "admin comment add": ("get", lambda t: (admin("comments_comment_add"), {})),
    "admin comment delete": (
        "post",
        lambda t: (admin("comments_comment_delete", t.published.pk), {"post": "yes"}),
    ),
    "admin bulk delete": (
        "post",
        lambda t: (CHANGELIST, bulk("delete_selected", t.published, post="yes")),
    ),
    "admin bulk remove, asked why": (
        "post",
        lambda t: (CHANGELIST, bulk("remove_selected", t.published)),
    ),
    "admin bulk remove": (
        "post",
        lambda t: (
            CHANGELIST,
            bulk("remove_selected", t.published, confirm="yes", reason="spam"),
        ),
    ),
    "admin bulk restore": ("post", lambda t: (CHANGELIST, bulk("restore_selected", t.removed))),
    "admin bulk approve": ("post", lambda t: (CHANGELIST, bulk("approve_selected", t.pending))),
    "admin bulk purge, asked": (
        "post",
        lambda t: (CHANGELIST, bulk("purge_selected", t.removed)),
    ),
    "admin bulk purge": (
        "post",
        lambda t: (CHANGELIST, bulk("purge_selected", t.removed, confirm="yes")),
    ),
    "admin log list": ("get", lambda t: (LOG, {})),
    "admin log entry": (
        "get",
        lambda t: (admin("comments_moderationaction_change", t.entry.pk), {}),
    ),
    "admin log edit": (
        "post",
        lambda t: (admin("comments_moderationaction_change", t.entry.pk), {"note": "Changed"}),
    ),
    "admin log add": ("get", lambda t: (admin("comments_moderationaction_add"), {})),
    "admin log delete": (
        "post",
        lambda t: (admin("comments_moderationaction_delete", t.entry.pk), {"post": "yes"}),
    ),
    "admin reviews": ("get", lambda t: (admin("reviews_review_changelist"), {})),
    "admin review page": ("get", lambda t: (admin("reviews_review_change", t.review.pk), {})),
    "admin polls": ("get", lambda t: (admin("polls_poll_changelist"), {})),
    "admin users": ("get", lambda t: (admin("auth_user_changelist"), {})),
    "admin groups": ("get", lambda t: (admin("auth_group_changelist"), {})),
}


@pytest.fixture
def thread():
    thread = make_thread()
    thread.entry = ModerationAction.objects.create(
        action="remove",
        moderator_name="someone",
        comment=thread.removed,
        comment_number=thread.removed.pk,
        comment_name="Rude",
        comment_excerpt="You are all wrong.",
        reason="abuse",
    )
    return thread


CELLS = [
    pytest.param(case, persona, id=f"{case} as {persona}") for case in CODES for persona in PERSONAS
]


@pytest.mark.parametrize(("case", "persona"), CELLS)
def test_status_code_and_effect(client, request, thread, case, persona):
    method, build = REQUESTS[case]
    *codes, changers = CODES[case]
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    address, data = build(thread)
    before = snapshot()
    response = getattr(client, method)(address, data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == codes[PERSONAS.index(persona)]
    assert (snapshot() != before) == (persona in changers)


def test_anonymous_moderation_visitors_are_sent_to_the_login_page(client, thread):
    response = client.get(url("remove", thread.published))
    assert response["Location"].startswith(reverse("admin:login") + "?next=")


def test_moderators_hold_exactly_the_moderation_rights():
    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=MODERATORS).permissions.select_related("content_type")
    }
    assert held == {
        "comments.view_comment",
        "comments.moderate_comment",
        "comments.view_report",
        "comments.view_moderationaction",
        "comments.view_commentversion",
        "comments.view_ban",
        "comments.view_notice",
        "comments.pin_comment",
    }


def test_the_moderate_permission_exists_for_superusers_and_groups():
    assert Permission.objects.filter(codename="moderate_comment").exists()


def test_moderator_sees_no_add_or_delete_buttons_and_no_other_admin_sections(client, moderator):
    thread = make_thread()
    client.force_login(moderator)
    html = client.get(CHANGELIST).content.decode()
    assert "Add comment" not in html and "delete_selected" not in html
    page = client.get(reverse("admin:comments_comment_change", args=[thread.published.pk]))
    assert "deletelink" not in page.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "Moderation log" in index
    for other in ("Reviews", "Polls", "Users", "Groups"):
        assert f">{other}</a>" not in index


def test_every_row_has_its_request():
    assert CODES.keys() == REQUESTS.keys()
