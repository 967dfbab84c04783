"""Moderators remove, restore and approve comments from the review page, without JavaScript."""

import pytest
from django.core.cache import caches
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests.comments.moderating import logged, make_thread, removal, snapshot, url
from tests.factories import make_comment, make_review
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def page(client, review) -> str:
    return client.get(review.get_absolute_url()).content.decode()


def article(html: str, comment: Comment) -> str:
    """The HTML of one comment's <article>, up to the next comment or the list's end."""
    start = html.index(f'<article id="comment-{comment.pk}"')
    end = html.find("<article id=", start + 1)
    return html[start : end if end != -1 else None]


def reader_fields(comment: Comment) -> dict:
    """Everything about a comment except what moderation changes."""
    return model_to_dict(comment, exclude=services.MODERATION_FIELDS) | {
        "created_at": comment.created_at,
        "pk": comment.pk,
    }


class TestWhatModeratorsSee:
    def test_each_comment_holds_a_csrf_protected_remove_form_and_an_admin_link(
        self, client, moderator
    ):
        thread = make_thread()
        client.force_login(moderator)
        html = article(page(client, thread.review), thread.published)
        start = html.index('<form id="remove-')
        form = html[start : html.index("</form>", start)]
        assert 'method="post"' in form and url("remove", thread.published) in form
        assert 'name="csrfmiddlewaretoken"' in form
        assert 'name="reason"' in form and 'name="note"' in form
        assert ">Remove</button>" in form
        assert reverse("admin:comments_comment_change", args=[thread.published.pk]) in html

    def test_removed_comment_shows_why_with_a_restore_button(self, client, moderator):
        thread = make_thread()
        services.comment_remove(comment=thread.published, by=moderator, reason="spam", note="Bot")
        client.force_login(moderator)
        html = article(page(client, thread.review), thread.published)
        assert "Removed by a moderator (Spam)" in html and "moderator, just now" in html
        assert "“Bot”" in html and "Maggie Q carries it." in html
        assert ">Restore</button>" in html and ">Remove</button>" not in html

    def test_pending_comment_shows_approve_and_remove(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        html = article(page(client, thread.review), thread.pending)
        assert "Awaiting moderation" in html and "Visit my site" in html
        assert ">Approve</button>" in html and ">Remove</button>" in html

    @pytest.mark.parametrize("persona", [None, "reader", "editor"])
    def test_nobody_else_sees_any_moderation_control(self, client, request, persona):
        thread = make_thread()
        if persona:
            client.force_login(request.getfixturevalue(persona))
        html = page(client, thread.review)
        for trace in ("/remove/", "/restore/", "/approve/", "/admin/comments/", "Removed by"):
            assert trace not in html
        assert "Visit my site" not in html and "You are all wrong." not in html

    def test_moderator_page_queries_do_not_grow_with_comments(
        self, client, moderator, django_assert_num_queries, django_assert_max_num_queries
    ):
        review = make_review()
        client.force_login(moderator)

        def add_threads(count):
            for number in range(count):
                parent = make_comment(review, rating=number % 5 + 1, status="pending")
                make_comment(review, parent=parent, status="removed")

        add_threads(2)
        for cache in caches.all():  # measure both with nothing cached
            cache.clear()
        with django_assert_max_num_queries(18) as few:
            client.get(review.get_absolute_url())
        add_threads(15)
        for cache in caches.all():
            cache.clear()
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(review.get_absolute_url())


class TestRemoveAndRestore:
    def test_remove_then_restore_keeps_every_field_and_moves_the_average_both_ways(
        self, client, moderator
    ):
        review = make_review()
        kept = make_comment(review, name="Marisol", rating=5)
        target = make_comment(
            review,
            name="Tom",
            email="tom@example.com",
            body="Weak finale.\n\nStill watching.",
            rating=1,
            spoiler=True,
            ip_address="203.0.113.5",
            user_agent="Firefox",
        )
        before = reader_fields(target)
        client.force_login(moderator)
        assert "Rated <strong>3</strong> out of 5 stars · 2 ratings" in page(client, review)

        response = client.post(url("remove", target), {"reason": "off-topic", "note": "Trolling"})
        assert response.status_code == 302
        assert response["Location"] == target.page_url(moderator=True)
        target.refresh_from_db()
        assert removal(target) == ("removed", "off-topic", "Trolling", moderator.get_username())
        shown = article(page(client, review), target)
        assert f"Removed by a moderator (Off-topic) · {moderator.get_username()}" in shown
        assert reader_fields(target) == before
        assert review.comments.rating_summary().count == 1
        reader_page = page(Client(), review)
        assert "Weak finale." not in reader_page
        assert "Rated <strong>5</strong> out of 5 stars · 1 rating" in reader_page

        response = client.post(url("restore", target))
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.status == "published"
        assert "Removed by a moderator" not in article(page(client, review), target)
        # The log keeps who removed it and why; the restore is its own line.
        assert list(
            target.moderation_actions.order_by("pk").values_list("action", "moderator", "note")
        ) == [("remove", moderator.pk, "Trolling"), ("restore", moderator.pk, "")]
        assert reader_fields(target) == before
        reader_page = page(Client(), review)
        assert "Weak finale." in reader_page
        assert "Rated <strong>3</strong> out of 5 stars · 2 ratings" in reader_page
        assert kept.rating == 5

    def test_restoring_a_comment_removed_while_held_puts_it_back_in_the_queue_unpublished(
        self, client, moderator
    ):
        review = make_review()
        held = make_comment(
            review, name="Newcomer", body="My first words here.", rating=2, status="pending"
        )
        client.force_login(moderator)
        client.post(url("remove", held), {"reason": "off-topic"})
        confirm = client.get(url("restore", held)).content.decode()
        assert "it goes back to the queue" in confirm

        response = client.post(url("restore", held), follow=True)
        held.refresh_from_db()
        assert held.status == "pending"
        assert "it awaits moderation again" in article(response.content.decode(), held)
        assert "My first words here." not in page(Client(), review)
        assert review.comments.rating_summary().count == 0
        assert list(held.moderation_actions.order_by("pk").values_list("action", flat=True)) == [
            "remove",
            "restore",
        ]
        client.post(url("approve", held))
        held.refresh_from_db()
        assert held.status == "published"
        assert "My first words here." in page(Client(), review)

        # Removed again once published, a restore puts it back on the page.
        client.post(url("remove", held), {"reason": "spam"})
        client.post(url("restore", held))
        held.refresh_from_db()
        assert held.status == "published"

    def test_the_page_comes_back_at_the_comment_with_a_message_inside_it(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        response = client.post(url("remove", thread.published), {"reason": "spam"}, follow=True)
        html = article(response.content.decode(), thread.published)
        assert "Comment removed (spam). Readers no longer see it" in html
        assert response.redirect_chain[-1][0].endswith(f"#comment-{thread.published.pk}")

    def test_removing_a_removed_comment_changes_nothing_and_says_so(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = client.post(url("remove", thread.removed), {"reason": "spam"}, follow=True)
        assert "This comment was already removed: nothing changed." in response.content.decode()
        assert snapshot() == before
        assert removal(thread.removed)[1] == "abuse"

    @pytest.mark.parametrize(
        ("action", "message"),
        [
            ("restore", "This comment is not removed (published): nothing changed."),
            ("approve", "This comment is not awaiting moderation (published): nothing changed."),
        ],
    )
    def test_restoring_or_approving_a_published_comment_changes_nothing_and_says_so(
        self, client, moderator, action, message
    ):
        thread = make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = client.post(url(action, thread.published), follow=True)
        assert message in response.content.decode()
        assert snapshot() == before

    def test_approving_a_pending_comment_publishes_it_and_its_rating(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        client.post(url("approve", thread.pending))
        assert Comment.objects.get(pk=thread.pending.pk).status == "published"
        assert "Visit my site" in page(Client(), thread.review)
        assert thread.review.comments.rating_summary().count == 2

    def test_removing_a_pending_comment_keeps_it_off_the_page(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        client.post(url("remove", thread.pending), {"reason": "spam"})
        assert Comment.objects.get(pk=thread.pending.pk).status == "removed"
        assert "Visit my site" not in page(Client(), thread.review)

    def test_a_removed_comment_with_replies_leaves_a_placeholder_and_the_replies(
        self, client, moderator
    ):
        review = make_review()
        parent = make_comment(review, body="Spoiler-laden rant")
        make_comment(review, body="I disagree", parent=parent)
        client.force_login(moderator)
        client.post(url("remove", parent), {"reason": "abuse"})
        html = page(Client(), review)
        assert "Spoiler-laden rant" not in html
        assert "Comment removed by a moderator" in html and "I disagree" in html


class TestConfirmationPages:
    """Without JavaScript a moderator may land on GET: it confirms and never acts."""

    @pytest.mark.parametrize(
        ("action", "which", "button"),
        [
            ("remove", "published", "Remove comment"),
            ("restore", "removed", "Restore comment"),
            ("approve", "pending", "Approve comment"),
        ],
    )
    def test_get_shows_the_comment_and_a_form_and_changes_nothing(
        self, client, moderator, action, which, button
    ):
        thread = make_thread()
        comment = getattr(thread, which)
        client.force_login(moderator)
        before = snapshot()
        response = client.get(url(action, comment), {"reason": "spam", "confirm": "yes"})
        html = response.content.decode()
        assert response.status_code == 200
        assert comment.body in html and f">{button}</button>" in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert snapshot() == before

    def test_the_remove_page_asks_for_a_reason_from_the_list(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        html = client.get(url("remove", thread.published)).content.decode()
        for label in ("Spam", "Abuse", "Off-topic", "Personal data", "Other"):
            assert f">{label}</option>" in html
        assert "its 5-star rating leaves the average" in html

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose why you are removing this comment."),
            ({"reason": "boring"}, "Choose a reason from the list."),
            ({"reason": "spam", "note": "x" * 501}, "Please keep the note to 500 characters"),
            *(
                ({"reason": reason}, "Choose a reason from the list.")
                for reason in [
                    "' OR 1=1 --",
                    "spam'; DROP TABLE comments_comment; --",
                    "spam\x00",
                    "x" * 10_000,
                ]
            ),
            ({"reason": "spam", "note": "bad\x00byte"}, "Remove the control characters"),
        ],
    )
    def test_a_bad_reason_or_note_comes_back_on_the_page_and_nothing_changes(
        self, client, moderator, data, message
    ):
        thread = make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = client.post(url("remove", thread.published), data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert snapshot() == before

    def test_the_page_of_an_already_removed_comment_offers_to_restore_it(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        html = client.get(url("remove", thread.removed)).content.decode()
        assert "Already removed (Abuse)" in html
        assert url("restore", thread.removed) in html and "<select" not in html

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
    def test_unknown_comment_is_404(self, client, moderator, pk):
        client.force_login(moderator)
        assert client.get(f"/comments/{pk}/remove/").status_code == 404
        assert client.post(f"/comments/{pk}/remove/", {"reason": "spam"}).status_code == 404

    def test_other_methods_are_refused(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        assert client.put(url("remove", thread.published)).status_code == 405


class TestWhereItGoesBack:
    def test_a_same_site_next_is_followed(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        admin_page = reverse("admin:comments_comment_change", args=[thread.published.pk])
        response = client.post(
            url("remove", thread.published), {"reason": "spam", "next": admin_page}
        )
        assert response["Location"] == admin_page

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
    def test_another_sites_next_is_ignored(self, client, moderator, target):
        thread = make_thread()
        client.force_login(moderator)
        response = client.post(url("restore", thread.removed), {"next": target})
        assert response["Location"] == thread.removed.page_url(moderator=True)

    def test_the_admin_links_to_the_confirmation_page_and_comes_back(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        admin_page = reverse("admin:comments_comment_change", args=[thread.pending.pk])
        html = client.get(admin_page).content.decode()
        link = f"{url('approve', thread.pending)}?next={admin_page.replace('/', '%2F')}"
        assert link in html
        confirm = client.get(link).content.decode()
        data = form_data(confirm[confirm.index('<div class="confirm">') :])
        assert data["next"] == admin_page
        response = client.post(url("approve", thread.pending), data)
        assert response["Location"] == admin_page
        assert Comment.objects.get(pk=thread.pending.pk).status == "published"


class TestCsrf:
    def test_a_post_without_the_token_is_refused(self, moderator):
        thread = make_thread()
        client = Client(enforce_csrf_checks=True)
        client.force_login(moderator)
        before = snapshot()
        response = client.post(url("remove", thread.published), {"reason": "spam"})
        assert response.status_code == 403
        assert snapshot() == before

    def test_the_form_on_the_page_carries_a_token_that_works(self, moderator):
        thread = make_thread()
        client = Client(enforce_csrf_checks=True)
        client.force_login(moderator)
        data = form_data(page(client, thread.review), f"remove-{thread.published.pk}")
        assert data["csrfmiddlewaretoken"]
        data["reason"] = "spam"
        response = client.post(url("remove", thread.published), data)
        assert response.status_code == 302
        assert logged().filter(action="remove").count() == 1

    def test_the_admin_bulk_action_needs_the_token_too(self, moderator):
        thread = make_thread()
        client = Client(enforce_csrf_checks=True)
        client.force_login(moderator)
        before = snapshot()
        response = client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve_selected", "_selected_action": [thread.pending.pk]},
        )
        assert response.status_code == 403
        assert snapshot() == before
