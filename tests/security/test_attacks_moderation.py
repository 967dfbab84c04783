"""Attacks on moderation: guessed URLs (IDOR), forged requests (CSRF) and off-site
redirects through next=. Each is refused readably and changes and reveals nothing.

Which persona gets which status code on every moderation URL is the matrix in
tests/comments/test_permissions.py; this file adds what the refused visitor reads, what
they must not read, and the hostile variants.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from comments import services
from comments.models import Comment, Report
from polls.models import Poll
from tests.comments.moderating import CHANGELIST, LOG, bulk, make_thread, snapshot, url
from tests.comments.posting import post
from tests.factories import make_comment, make_review
from tests.forms import form_data
from tests.security.hostile import (
    CSRF_REFUSED,
    FORBIDDEN,
    NOT_FOUND,
    UNREADABLE,
    WRONG_METHOD,
    written,
)

pytestmark = pytest.mark.django_db

#: Words only the hidden comments of make_thread() contain.
SECRETS = ("Visit my site", "You are all wrong.", "Linky", "Rude")

#: The comment each moderation action applies to.
TARGET = {"remove": "published", "restore": "removed", "approve": "pending"}


def assert_nothing_hidden_shown(html: str) -> None:
    for secret in SECRETS:
        assert secret not in html and escape(secret) not in html, secret


def login(client, request, persona: str) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


# --- Guessed URLs -------------------------------------------------------------------------


class TestGuessedModerationUrls:
    @pytest.mark.parametrize("method", ["get", "post"])
    @pytest.mark.parametrize("action", TARGET)
    @pytest.mark.parametrize("persona", ["reader", "editor"])
    def test_non_moderators_read_a_403_that_shows_nothing(
        self, client, request, persona, action, method
    ):
        thread = make_thread()
        login(client, request, persona)
        before = snapshot()
        response = getattr(client, method)(
            url(action, getattr(thread, TARGET[action])), {"reason": "spam"}
        )
        html = response.content.decode()
        assert response.status_code == 403
        assert FORBIDDEN in html
        assert_nothing_hidden_shown(html)
        assert snapshot() == before

    @pytest.mark.parametrize("action", TARGET)
    def test_anonymous_visitors_land_on_the_login_page_which_shows_nothing(self, client, action):
        thread = make_thread()
        before = snapshot()
        response = client.post(url(action, getattr(thread, TARGET[action])), follow=True)
        html = response.content.decode()
        assert response.redirect_chain[0][0].startswith(reverse("admin:login") + "?next=")
        assert 'name="password"' in html
        assert_nothing_hidden_shown(html)
        assert snapshot() == before

    @pytest.mark.parametrize(
        "page",
        ["comment", "comment history", "log entry", "queue searched", "log searched"],
    )
    @pytest.mark.parametrize("persona", ["reader", "editor"])
    def test_admin_pages_of_comments_show_nothing_to_non_moderators(
        self, client, request, moderator, persona, page
    ):
        thread = make_thread()
        services.comment_remove(comment=thread.published, by=moderator, reason="abuse")
        entry = thread.published.moderation_actions.get()
        login(client, request, persona)
        address = {
            "comment": reverse("admin:comments_comment_change", args=[thread.pending.pk]),
            "comment history": reverse("admin:comments_comment_history", args=[thread.removed.pk]),
            "log entry": reverse("admin:comments_moderationaction_change", args=[entry.pk]),
            "queue searched": f"{CHANGELIST}?q=o",
            "log searched": f"{LOG}?q=o",
        }[page]
        response = client.get(address, follow=True)
        html = response.content.decode()
        if persona == "reader":  # not staff: the admin's login page
            assert 'name="password"' in html and response.redirect_chain
        else:
            assert response.status_code == 403
            assert FORBIDDEN in html
        assert_nothing_hidden_shown(html)

    @pytest.mark.parametrize("persona", ["anonymous", "reader", "moderator"])
    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_unpublished_previews_show_nothing_to_those_who_may_not_view_reviews(
        self, client, request, persona, state
    ):
        review = make_review(published=False, headline="Embargoed scoop")
        if state == "scheduled":
            review.status, review.published_at = "published", "2999-01-01T00:00Z"
            review.save()
        login(client, request, persona)
        response = client.get(review.get_preview_url(), follow=True)
        html = response.content.decode()
        assert FORBIDDEN in html or 'name="password"' in html
        assert "Embargoed scoop" not in html
        assert client.get(review.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("method", ["get", "post"])
    @pytest.mark.parametrize("state", ["pending", "removed", "on a draft", "on a scheduled review"])
    def test_report_pages_of_hidden_comments_are_404_and_quote_nothing(self, client, method, state):
        review = make_review(published=state != "on a draft", headline="Hidden review")
        if state == "on a scheduled review":
            review.published_at = "2999-01-01T00:00Z"
            review.save()
        status = state if state in ("pending", "removed") else "published"
        comment = make_comment(review, name="Linky", body="Visit my site", status=status)
        response = getattr(client, method)(url("report", comment), {"reason": "spam"})
        html = response.content.decode()
        assert response.status_code == 404
        assert NOT_FOUND in html
        assert_nothing_hidden_shown(html)
        assert not Report.objects.exists()

    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_results_json_of_an_unpublished_poll_says_404_and_nothing_else(self, client, state):
        review = make_review(published=state == "scheduled")
        if state == "scheduled":
            review.published_at = "2999-01-01T00:00Z"
            review.save()
        Poll.objects.filter(review=review).update(question="Secret question?")
        response = client.get(reverse("polls:results_json", kwargs={"slug": review.slug}))
        assert response.status_code == 404
        assert response.json() == {"error": "No published review with a poll at this address."}

    @pytest.mark.parametrize("hidden", ["pending", "removed"])
    def test_a_hidden_comments_own_address_shows_the_page_without_it(self, client, hidden):
        thread = make_thread()
        comment = getattr(thread, hidden)
        response = client.get(comment.page_url(moderator=True))
        html = response.content.decode()
        assert response.status_code == 200
        assert f'id="comment-{comment.pk}"' not in html
        assert_nothing_hidden_shown(html)

    @pytest.mark.parametrize("hidden", ["pending", "removed"])
    def test_a_hidden_comment_with_a_reply_shows_only_a_placeholder(self, client, hidden):
        thread = make_thread()
        comment = getattr(thread, hidden)
        make_comment(thread.review, parent=comment, name="Replier", body="An answer.")
        html = client.get(thread.review.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' in html and "An answer." in html
        assert "Comment removed by a moderator" in html or "Comment awaiting moderation" in html
        assert_nothing_hidden_shown(html)

    @pytest.mark.parametrize("hidden", ["pending", "removed"])
    def test_reply_to_a_hidden_comment_does_not_name_its_author(self, client, hidden):
        thread = make_thread()
        comment = getattr(thread, hidden)
        html = client.get(
            thread.review.get_absolute_url(), {"reply_to": comment.pk}
        ).content.decode()
        assert "Replying to" not in html
        assert_nothing_hidden_shown(html)

    def test_the_author_of_a_held_comment_sees_it_and_no_one_elses(self, client):
        review = make_review()
        body = "Visit my site https://a.example https://b.example https://c.example"
        response = post(client, review, name="Linky", body=body)
        assert Comment.objects.get().status == "pending"
        html = client.get(response["Location"]).content.decode()
        assert "Your comment is awaiting moderation" in html
        assert "Awaiting review" in html and "https://a.example" in html  # their own
        assert_nothing_hidden_shown(Client().get(review.get_absolute_url()).content.decode())


# --- Request forgery ----------------------------------------------------------------------

SITE_ACTIONS = {
    "remove": lambda t: (url("remove", t.published), {"reason": "spam"}),
    "restore": lambda t: (url("restore", t.removed), {}),
    "approve": lambda t: (url("approve", t.pending), {}),
}
BULK_ACTIONS = {
    "bulk remove": lambda t: bulk("remove_selected", t.published, confirm="yes", reason="spam"),
    "bulk restore": lambda t: bulk("restore_selected", t.removed),
    "bulk approve": lambda t: bulk("approve_selected", t.pending),
    "bulk purge": lambda t: bulk("purge_selected", t.removed, confirm="yes"),
}


class TestRequestForgery:
    @pytest.mark.parametrize("token", ["missing", "garbage", "another client's"])
    @pytest.mark.parametrize("action", [*SITE_ACTIONS, *BULK_ACTIONS])
    def test_moderation_forms_need_the_moderators_own_token(self, superuser, action, token):
        thread = make_thread()
        client = Client(enforce_csrf_checks=True)
        client.force_login(superuser)
        client.get(CHANGELIST)  # the moderator's browser holds a CSRF cookie
        if action in SITE_ACTIONS:
            address, data = SITE_ACTIONS[action](thread)
        else:
            address, data = CHANGELIST, BULK_ACTIONS[action](thread)
        if token == "garbage":
            data["csrfmiddlewaretoken"] = "x" * 64
        elif token == "another client's":
            other = Client()
            html = other.get("/admin/login/").content.decode()
            data["csrfmiddlewaretoken"] = form_data(html, "login-form")["csrfmiddlewaretoken"]
        before = snapshot()
        response = client.post(address, data)
        assert response.status_code == 403
        assert CSRF_REFUSED in response.content.decode()
        assert snapshot() == before

    @pytest.mark.parametrize("action", [*SITE_ACTIONS, *BULK_ACTIONS])
    def test_the_same_requests_with_the_token_go_through(self, superuser, action):
        """The control for the test above: only the token was wrong there."""
        thread = make_thread()
        client = Client(enforce_csrf_checks=True)
        client.force_login(superuser)
        client.get(CHANGELIST)
        token = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        if action in SITE_ACTIONS:
            address, data = SITE_ACTIONS[action](thread)
        else:
            address, data = CHANGELIST, BULK_ACTIONS[action](thread)
        before = snapshot()
        assert client.post(address, data | token).status_code == 302
        assert snapshot() != before


# --- Off-site redirects -------------------------------------------------------------------

#: Ways to write another site's address that a careless "is it relative?" check lets by.
OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    " //evil.example/",
    "https:evil.example",
    "http:/\\/evil.example",
    "http://testserver@evil.example/",
    "https://testserver.evil.example/",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "\x00//evil.example/",
]


def assert_stays_here(address: str) -> None:
    assert "evil.example" not in address
    assert not address.lower().lstrip().startswith(("javascript", "data:"))


class TestOffSiteRedirects:
    @pytest.mark.parametrize("target", OFF_SITE)
    @pytest.mark.parametrize("action", TARGET)
    def test_the_confirmation_page_never_links_off_site(self, client, moderator, action, target):
        thread = make_thread()
        client.force_login(moderator)
        response = client.get(url(action, getattr(thread, TARGET[action])), {"next": target})
        html = response.content.decode()
        if "\x00" in target:  # as in any URL
            assert response.status_code == 400 and UNREADABLE in html
            return
        confirm = html[html.index('<div class="confirm">') :]
        assert response.status_code == 200
        assert_stays_here(form_data(confirm)["next"])
        assert "evil.example" not in html and "javascript:" not in html

    @pytest.mark.parametrize("target", OFF_SITE)
    @pytest.mark.parametrize("where", ["form", "query"])
    def test_acting_never_redirects_off_site(self, client, moderator, where, target):
        thread = make_thread()
        client.force_login(moderator)
        address = url("approve", thread.pending)
        data = {}
        if where == "form":
            data["next"] = target
        else:
            address += "?" + f"next={target}".replace("\x00", "%00")
        response = client.post(address, data)
        if "\x00" in target and where == "query":
            assert response.status_code == 400 and UNREADABLE in response.content.decode()
            assert Comment.objects.get(pk=thread.pending.pk).status == "pending"
            return
        assert response.status_code == 302
        assert_stays_here(response["Location"])
        assert response["Location"] == thread.pending.page_url(moderator=True)
        assert Comment.objects.get(pk=thread.pending.pk).status == "published"

    @pytest.mark.parametrize("target", OFF_SITE[2:])  # the first ones: test_attacks_site.py
    def test_admin_login_never_redirects_off_site(self, client, editor, target):
        response = client.post(
            reverse("admin:login"),
            {"username": "editor", "password": "correct horse battery", "next": target},
        )
        assert response.status_code == 302
        assert_stays_here(response["Location"])

    def test_a_moderator_sent_to_log_in_comes_back_to_a_safe_confirmation_page(
        self, client, moderator
    ):
        thread = make_thread()
        address = f"{url('remove', thread.published)}?next=https://evil.example/"
        login_page = client.get(address)["Location"]
        response = client.post(
            login_page,
            {"username": "moderator", "password": "correct horse battery"},
            follow=True,
        )
        html = response.content.decode()
        assert response.redirect_chain[-1][0] == address
        assert "Remove this comment?" in html and "evil.example" not in html
        assert not Comment.objects.filter(status="removed").exclude(pk=thread.removed.pk).exists()

    def test_next_cannot_inject_a_header(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        response = client.post(
            url("restore", thread.removed), {"next": "/ok\r\nSet-Cookie: owned=1"}
        )
        assert response.status_code == 302
        assert "\n" not in response["Location"] and "\r" not in response["Location"]
        assert "owned" not in response.cookies


# --- Malformed moderation input -----------------------------------------------------------


class TestMalformedModerationInput:
    # A malformed reason or note (SQL, NUL, 10,000 characters) is refused with the form
    # again: tests/comments/test_moderation.py, with the other bad reasons.

    @pytest.mark.parametrize(
        "query",
        ["?q=' OR 1=1 --", "?status=published' OR '1'='1", "?reported=yes'--", "?o=1;DROP"],
    )
    def test_sql_in_the_queue_s_search_and_filters_is_only_text(self, client, moderator, query):
        make_thread()
        client.force_login(moderator)
        before = written()
        response = client.get(CHANGELIST + query, follow=True)
        assert response.status_code == 200
        assert "Comments: awaiting moderation and reported first" in response.content.decode()
        assert written() == before

    @pytest.mark.parametrize(
        "query", ["?status=%00", "?q=a%00b", "?review__id__exact=%00", "?reported=%00"]
    )
    def test_a_nul_in_the_queue_s_filters_is_a_readable_400(self, client, moderator, query):
        make_thread()
        client.force_login(moderator)
        response = client.get(CHANGELIST + query)
        assert response.status_code == 400
        assert UNREADABLE in response.content.decode()

    @pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1", "1%20OR%201=1", "%00"])
    @pytest.mark.parametrize("action", TARGET)
    def test_unknown_or_malformed_comment_numbers_are_404(self, client, moderator, action, pk):
        make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = client.post(f"/comments/{pk}/{action}/", {"reason": "spam"})
        assert response.status_code in (400, 404)
        assert (NOT_FOUND if response.status_code == 404 else UNREADABLE) in (
            response.content.decode()
        )
        assert snapshot() == before

    @pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "head"])
    @pytest.mark.parametrize("action", TARGET)
    def test_wrong_methods_get_a_readable_405(self, client, moderator, action, method):
        thread = make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = getattr(client, method)(url(action, getattr(thread, TARGET[action])))
        assert response.status_code == 405
        if method != "head":
            assert WRONG_METHOD in response.content.decode()
        assert set(response["Allow"].split(", ")) == {"GET", "POST"}
        assert snapshot() == before
