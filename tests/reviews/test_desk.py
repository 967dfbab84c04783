"""The newsroom desk (the admin's first page), the header's "N awaiting review", the
Critics page, and the lists and history that say where a review stands."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, Notice, Report
from reviews import revisions, services
from reviews.models import Profile, Review, ReviewAction
from tests.factories import give_name, make_review, make_user
from tests.reviews.editing import open_form

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reader", "writer", "editor", "moderator", "superuser"]
#: A fixed number of queries for the desk, however many reviews and comments wait.
DESK_BUDGET = {"writer": 14, "editor": 16, "moderator": 12}


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def submitted(author, headline, **fields):
    review = make_review(published=False, author=author, headline=headline, **fields)
    services.review_submit(review=review, by=author)
    return review


class TestWritersDesk:
    def test_lists_drafts_sent_back_with_the_note_and_submitted(self, client, writer, editor):
        make_review(published=False, author=writer, headline="Half-written")
        back = submitted(writer, "Needs work")
        services.review_send_back(review=back, by=editor, note="Cut the second section.")
        submitted(writer, "Waiting on an editor")
        make_review(published=False, author=editor, headline="Someone else's")
        client.force_login(writer)
        page = text(client.get("/admin/"))
        drafts = page.split("My drafts")[1].split("Submitted and waiting")[0]
        assert "Half-written" in drafts and "Needs work" not in drafts
        sent_back = page.split("Sent back to me")[1].split("My drafts")[0]
        assert "Needs work" in sent_back and "Cut the second section." in sent_back
        assert "Waiting on an editor" in page.split("Submitted and waiting")[1]
        assert "Someone else's" not in page

    def test_each_item_links_to_its_review(self, client, writer):
        draft = make_review(published=False, author=writer, headline="Half-written")
        client.force_login(writer)
        html = client.get("/admin/").content.decode()
        assert f'href="/admin/reviews/review/{draft.pk}/change/">Half-written</a>' in html

    def test_an_unnamed_writer_is_told_to_name_themselves(self, client, writer):
        client.force_login(writer)
        assert "give yourself a display name" in text(client.get("/admin/"))
        give_name(writer, "Wren Hale")
        assert "give yourself a display name" not in text(client.get("/admin/"))


class TestEditorsDesk:
    def test_lists_awaiting_scheduled_published_and_the_log(self, client, writer, editor):
        waiting = submitted(writer, "Please publish me")
        make_review(headline="Embargoed film", published_at=timezone.now() + timedelta(days=1))
        make_review(headline="Out already")
        client.force_login(editor)
        response = client.get("/admin/")
        page = text(response)
        assert "Please publish me" in page.split("Awaiting review")[1].split("Scheduled")[0]
        assert "Embargoed film" in page.split("Scheduled")[1].split("Recently published")[0]
        assert "goes live" in page.split("Scheduled")[1]
        assert "Out already" in page.split("Recently published")[1]
        assert "submitted for review" in page.split("Content log")[1].lower()
        # One click from the desk to the submitted review's form.
        html = response.content.decode()
        assert f'href="/admin/reviews/review/{waiting.pk}/change/">Please publish me</a>' in html
        assert 'href="/admin/reviews/profile/">Critics</a>' in html

    def test_the_header_counts_what_awaits_review_on_every_admin_page(self, client, writer, editor):
        submitted(writer, "One")
        client.force_login(editor)
        for address in ["/admin/", "/admin/reviews/review/", "/admin/polls/poll/"]:
            html = client.get(address).content.decode()
            assert 'href="/admin/reviews/review/?workflow=submitted">1 awaiting review</a>' in html
        queue = text(client.get("/admin/reviews/review/?workflow=submitted"))
        assert "One" in queue

    def test_writers_and_moderators_have_no_count(self, client, writer, moderator):
        submitted(writer, "One")
        for who in (writer, moderator):
            client.force_login(who)
            assert "awaiting review" not in text(client.get("/admin/")).split("My profile")[0]


class TestModeratorsDesk:
    def test_counts_held_and_reported_comments_with_links_to_the_queue(self, client, moderator):
        review = make_review()
        Comment.objects.create(review=review, name="A", body="Held", status="pending", reader="a:1")
        reported = Comment.objects.create(review=review, name="B", body="Rude", reader="a:2")
        Report.objects.create(comment=reported, reason="abuse", reader="a:3")
        Report.objects.create(comment=reported, reason="spam", reader="a:4")
        client.force_login(moderator)
        response = client.get("/admin/")
        page = text(response)
        assert "1 comment held for review" in page
        assert "1 reported comment" in page, page[page.index("Moderation") :][:200]
        html = response.content.decode()
        assert 'href="/admin/comments/comment/?status__exact=pending"' in html
        assert 'href="/admin/comments/comment/?reported=yes"' in html
        assert "Awaiting review" not in page and "My drafts" not in page

    def test_counts_undecided_notices_of_illegal_content_first(self, client, moderator):
        comment = Comment.objects.create(
            review=make_review(), name="C", body="Lies about me", reader="a:5"
        )
        for decided_at in (None, timezone.now()):
            Notice.objects.create(
                comment=comment,
                comment_number=comment.pk,
                category=Notice.Category.DEFAMATION,
                explanation="It names me and it is false.",
                name="Dana",
                email="dana@example.com",
                decided_at=decided_at,
            )
        client.force_login(moderator)
        page = text(client.get("/admin/"))
        moderation = page[page.index("Moderation") :]
        assert moderation.index("1 notice of illegal content to decide") < moderation.index(
            "held for review"
        )
        listed = client.get("/admin/comments/notice/?decided_at__isempty=1")
        assert listed.status_code == 200 and "1 notice of illegal content" in text(listed)


@pytest.mark.parametrize("role", ["writer", "editor", "moderator"])
def test_the_desk_costs_the_same_however_much_waits(client, request, role, writer, editor):
    user = request.getfixturevalue(role)
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        submitted(writer, f"Submitted {n}")
        make_review(published=False, author=writer, headline=f"Draft {n}")
        make_review(headline=f"Live {n}", published_at=timezone.now() + timedelta(hours=n + 1))
        Comment.objects.create(
            review=Review.objects.first(), name="A", body="x", status="pending", reader=f"a:{n}"
        )
    many = count()
    assert many == few, (few, many)
    assert many <= DESK_BUDGET[role], many


class TestCritics:
    def test_an_editor_names_a_writer_from_the_critics_page(self, client, writer, editor):
        review = submitted(writer, "Nameless")
        client.force_login(editor)
        critics = client.get("/admin/reviews/profile/")
        assert "No display name" in text(critics)
        edit = f'href="/admin/reviews/profile/critic/{writer.pk}/"'
        assert edit in critics.content.decode()
        form = client.get(f"/admin/reviews/profile/critic/{writer.pk}/", follow=True)
        url = form.redirect_chain[-1][0]
        response = client.post(
            url, {"display_name": "Wren Hale", "bio": "", "portrait_alt": ""}, follow=True
        )
        assert "byline now reads “Wren Hale”" in text(response)
        assert Profile.objects.get(user=writer).slug == "wren-hale"
        data = open_form(client, review) | {"status": "published", "_publish_anyway": "1"}
        data["published_at_0"] = data["published_at_1"] = ""
        assert client.post(f"/admin/reviews/review/{review.pk}/change/", data).status_code == 302
        review.refresh_from_db()
        assert review.is_live and review.byline == "Wren Hale"

    def test_same_checks_as_my_profile(self, client, writer, editor):
        client.force_login(editor)
        form = client.get(f"/admin/reviews/profile/critic/{writer.pk}/", follow=True)
        response = client.post(form.redirect_chain[-1][0], {"bio": "x" * 601})
        assert response.status_code == 200 and "at most 600 characters" in text(response)

    def test_two_critics_with_one_name_get_two_addresses(self):
        one = give_name(make_user(), "Sam Lee")
        two = give_name(make_user(), "Sam Lee")
        assert [one.profile.slug, Profile.objects.get(user=two).slug] == ["sam-lee", "sam-lee-2"]


# Each new page, for every kind of visitor: status codes in PERSONAS order, and whether
# the visit changed the writer's byline.
CODES = {
    "desk": (302, 302, 200, 200, 200, 200),
    "critics list": (302, 302, 403, 200, 403, 200),
    "writer's byline page": (302, 302, 302, 302, 403, 302),
    "writer's byline form": (302, 302, 200, 200, 302, 200),
    "writer's byline save": (302, 302, 302, 302, 302, 302),
}
CHANGERS = {"writer", "editor", "superuser"}


@pytest.mark.parametrize("case", list(CODES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_new_pages_for_every_role(client, request, writer, moderator, case, persona):
    profile = Profile.objects.create(user=writer)
    address, method, data = {
        "desk": ("/admin/", "get", {}),
        "critics list": ("/admin/reviews/profile/", "get", {}),
        "writer's byline page": (f"/admin/reviews/profile/critic/{writer.pk}/", "get", {}),
        "writer's byline form": (f"/admin/reviews/profile/{profile.pk}/change/", "get", {}),
        "writer's byline save": (
            f"/admin/reviews/profile/{profile.pk}/change/",
            "post",
            {"display_name": "Changed", "bio": "", "portrait_alt": ""},
        ),
    }[case]
    if persona == "reader":
        client.force_login(make_user("a-reader"))
    elif persona != "anonymous":
        client.force_login(
            request.getfixturevalue(persona) if persona != "editor" else make_editor()
        )
    response = getattr(client, method)(address, data)
    assert response.status_code == CODES[case][PERSONAS.index(persona)]
    profile.refresh_from_db()
    changed = profile.display_name == "Changed"
    assert changed == (case == "writer's byline save" and persona in CHANGERS)


def make_editor():
    return make_user("an-editor", groups=["Editors"], is_staff=True)


class TestListsThatRead:
    def test_statuses_say_where_each_review_stands(self, client, writer, editor):
        back = submitted(writer, "Back")
        services.review_send_back(review=back, by=editor, note="More.")
        submitted(writer, "Waiting")
        make_review(headline="Later", published_at=timezone.now() + timedelta(days=2))
        client.force_login(editor)
        page = text(client.get("/admin/reviews/review/"))
        assert "Sent back" in page and "Submitted" in page and "Scheduled for" in page
        # Editors see what waits for them first.
        rows = page.split("Headline")[1]
        assert rows.index("Waiting") < rows.index("Back") < rows.index("Later") or (
            rows.index("Waiting") < rows.index("Later")
        )

    def test_the_critic_column_shows_the_display_name(self, client, writer, editor):
        give_name(writer, "Wren Hale")
        make_review(author=writer)
        client.force_login(editor)
        assert "Wren Hale" in text(client.get("/admin/reviews/review/"))

    def test_history_names_the_workflow_steps(self, client, writer, editor):
        give_name(writer, "Wren Hale")
        review = make_review(published=False, author=writer)
        client.force_login(writer)
        data = open_form(client, review) | {"_submit": "anyway"}
        assert client.post(f"/admin/reviews/review/{review.pk}/change/", data).status_code == 302
        client.force_login(editor)
        data = open_form(client, review) | {"status": "published", "_publish_anyway": "1"}
        data["published_at_0"] = data["published_at_1"] = ""
        assert client.post(f"/admin/reviews/review/{review.pk}/change/", data).status_code == 302
        comments = [r.comment for r in revisions.revisions_of(review)]
        assert comments[0].startswith("Published.")
        assert comments[1].startswith("Submitted for review.")
        actions = list(ReviewAction.objects.filter(review=review).values_list("action", flat=True))
        assert "submit" in actions and "publish" in actions

    def test_no_setting_names_in_the_form_help(self, client, editor):
        client.force_login(editor)
        html = client.get("/admin/reviews/review/add/").content.decode()
        assert not re.search(r"\b[A-Z]+_[A-Z_]+\b", text(client.get("/admin/reviews/review/add/")))
        assert "REVIEWSITE_" not in html


def test_the_admin_greets_staff_by_their_byline_and_has_the_sites_icon(client, moderator):
    give_name(moderator, "Morgan Lee")
    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    assert "Welcome, <strong>Morgan Lee</strong>." in html
    assert moderator.get_username() not in html.split('id="user-tools"')[1].split("</div>")[0]
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
