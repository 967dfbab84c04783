"""Attacks through what readers type and send (poll, comments, reports): each is refused
with a message the reader can read, writes nothing, and never comes back as markup.

The comments helper's own refusals (honeypot, stamp, lengths, links, rate limits) are in
tests/comments/; NUL and control characters, too many fields and oversized bodies, a table
a form, in test_attacks_form_bodies.py; this file adds the hostile cases around them.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from comments import services
from comments.models import Comment, ModerationAction, Report
from polls.models import Choice, Poll, Vote
from reviews.models import Section
from tests.comments.moderating import CHANGELIST, LOG, bulk
from tests.comments.posting import post, post_url, stamp
from tests.factories import make_comment, make_credit, make_figure, make_review, make_votes
from tests.forms import form_data
from tests.security.hostile import (
    CSRF_REFUSED,
    IMG,
    PAYLOADS,
    SCRIPT,
    TEXT,
    UNREADABLE,
    WRONG_METHOD,
    assert_escaped,
    reader_form,
    report_form,
    report_url,
    vote_url,
    written,
)

pytestmark = pytest.mark.django_db


def results_url(review) -> str:
    return reverse("polls:results_json", kwargs={"slug": review.slug})


# --- Script and HTML in readers' text -----------------------------------------------------


def hostile_comments(payload: str) -> dict[str, Comment]:
    """A published, a pending and a removed comment whose name and body carry the payload,
    each with a report or a moderator's note that carries it too."""
    review = make_review(headline="Hostile thread")
    made = {
        status: make_comment(
            review, name=f"N {payload}", body=f"B {payload}", rating=2, status=status
        )
        for status in ("published", "pending", "removed")
    }
    services.comment_report(
        comment=made["published"], reader="a:someone", reason="abuse", note=f"R {payload}"
    )
    return made


#: Page → (who opens it, how): every page that shows a comment's name and body to
#: moderators or readers, besides the public review page (tests/comments/test_display.py).
COMMENT_PAGES = {
    "report page": ("anonymous", "get", lambda c: (report_url(c["published"]), {})),
    "remove confirmation": (
        "moderator",
        "get",
        lambda c: (reverse("comments:remove", args=[c["published"].pk]), {}),
    ),
    "approve confirmation": (
        "moderator",
        "get",
        lambda c: (reverse("comments:approve", args=[c["pending"].pk]), {}),
    ),
    "restore confirmation": (
        "moderator",
        "get",
        lambda c: (reverse("comments:restore", args=[c["removed"].pk]), {}),
    ),
    "review page for moderators": (
        "moderator",
        "get",
        lambda c: (c["pending"].review.get_absolute_url(), {}),
    ),
    "moderation queue": ("moderator", "get", lambda c: (CHANGELIST, {})),
    "admin comment page": (
        "moderator",
        "get",
        lambda c: (reverse("admin:comments_comment_change", args=[c["published"].pk]), {}),
    ),
    "bulk remove page": (
        "moderator",
        "post",
        lambda c: (CHANGELIST, bulk("remove_selected", c["published"], c["pending"])),
    ),
    "bulk purge page": (
        "superuser",
        "post",
        lambda c: (CHANGELIST, bulk("purge_selected", c["removed"])),
    ),
}


class TestReaderTextIsEscaped:
    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    @pytest.mark.parametrize("where", COMMENT_PAGES)
    def test_comment_name_and_body(self, client, request, where, payload):
        comments = hostile_comments(payload)
        persona, method, build = COMMENT_PAGES[where]
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        address, data = build(comments)
        before = written()
        response = getattr(client, method)(address, data)
        html = response.content.decode()
        assert response.status_code == 200
        assert_escaped(html, f"N {payload}", where)
        assert_escaped(html, f"B {payload}", where)
        assert written() == before

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    def test_report_note_on_the_admin_comment_page(self, client, moderator, payload):
        comment = hostile_comments(payload)["published"]
        client.force_login(moderator)
        html = client.get(
            reverse("admin:comments_comment_change", args=[comment.pk])
        ).content.decode()
        assert_escaped(html, f"R {payload}", "the reports inline")

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    def test_a_refused_report_keeps_the_note_as_text(self, client, payload):
        comment = make_comment(make_review())
        data = report_form(client, comment) | {"reason": "nonsense", "note": f"R {payload}"}
        response = client.post(report_url(comment), data)
        assert response.status_code == 400
        assert "Choose one of the reasons listed." in response.content.decode()
        assert_escaped(response.content.decode(), f"R {payload}", "the refused report form")
        assert not Report.objects.exists()

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    @pytest.mark.parametrize(
        "where", ["review page for moderators", "admin comment page", "log", "log entry"]
    )
    def test_moderation_note(self, client, moderator, where, payload):
        comment = make_comment(make_review(), name="Rude", body="Rude words")
        services.comment_remove(comment=comment, by=moderator, reason="abuse", note=f"M {payload}")
        entry = ModerationAction.objects.get()
        client.force_login(moderator)
        address = {
            "review page for moderators": comment.review.get_absolute_url(),
            "admin comment page": reverse("admin:comments_comment_change", args=[comment.pk]),
            "log": LOG,
            "log entry": reverse("admin:comments_moderationaction_change", args=[entry.pk]),
        }[where]
        assert_escaped(client.get(address).content.decode(), f"M {payload}", where)

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    @pytest.mark.parametrize("where", ["log", "log entry"])
    def test_the_log_copies_name_and_excerpt_as_text(self, client, moderator, where, payload):
        comment = make_comment(make_review(), name=f"N {payload}", body=f"B {payload}")
        services.comment_remove(comment=comment, by=moderator, reason="spam")
        entry = ModerationAction.objects.get()
        client.force_login(moderator)
        address = (
            LOG
            if where == "log"
            else reverse("admin:comments_moderationaction_change", args=[entry.pk])
        )
        html = client.get(address).content.decode()
        assert_escaped(html, f"N {payload}", where)
        assert_escaped(html, f"B {payload}", where)

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    def test_a_rate_limited_comment_is_kept_as_text(self, client, settings, payload):
        settings.RATELIMITS = settings.RATELIMITS | {"comment-ip": (0, 10**7)}
        response = post(client, make_review(), name="M", body=f"B {payload}")
        assert response.status_code == 429
        assert_escaped(response.content.decode(), f"B {payload}", "the 429 comment form")
        assert not Comment.objects.exists()

    def test_pages_without_comments_never_carry_their_text(self, client):
        comment = make_comment(make_review(), name=f"N {SCRIPT}", body=f"B {IMG}", rating=4)
        review = comment.review
        for address in ["/", "/search/?q=Review", "/feed/", "/feed/atom/", results_url(review)]:
            body = client.get(address).content.decode()
            assert SCRIPT not in body and IMG not in body and "onerror" not in body, address


# --- Poll questions and answers, captions, credits, headings ------------------------------


def hostile_poll(payload: str):
    review = make_review(headline="Poll under attack")
    Poll.objects.filter(review=review).update(question=f"Q {payload}")
    Choice.objects.filter(poll__review=review, text="Yes").update(text=f"C {payload}")
    return review


class TestPollTextIsEscaped:
    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    @pytest.mark.parametrize("who", ["new reader", "reader who voted", "closed poll"])
    def test_on_the_review_page(self, client, who, payload):
        review = hostile_poll(payload)
        if who == "reader who voted":
            choice = Choice.objects.get(poll__review=review, text=f"C {payload}")
            client.post(vote_url(review), {"choice": choice.pk})
        if who == "closed poll":
            make_votes(review.poll, {f"C {payload}": 2})
            Poll.objects.filter(review=review).update(closes_at="2000-01-01T00:00Z")
        html = client.get(review.get_absolute_url()).content.decode()
        assert_escaped(html, f"Q {payload}", who)
        assert_escaped(html, f"C {payload}", who)

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    def test_results_json_is_data_a_browser_will_not_run(self, client, payload):
        review = hostile_poll(payload)
        response = client.get(results_url(review))
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        data = json.loads(response.content)
        assert data["question"] == f"Q {payload}"
        assert data["choices"][0]["text"] == f"C {payload}"

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    @pytest.mark.parametrize("where", ["admin review page", "admin polls", "preview"])
    def test_in_the_admin_and_the_preview(self, client, editor, where, payload):
        review = hostile_poll(payload)
        client.force_login(editor)
        address = {
            "admin review page": reverse("admin:reviews_review_change", args=[review.pk]),
            "admin polls": reverse("admin:polls_poll_changelist"),
            "preview": review.get_preview_url(),
        }[where]
        html = client.get(address).content.decode()
        assert_escaped(html, f"Q {payload}", where)
        if where != "admin polls":  # the list shows questions, not answers
            assert_escaped(html, f"C {payload}", where)


class TestEditorialTextIsEscaped:
    """A phished editor account types markup into captions, credits and headings: the
    review page is covered in test_attacks_site.py; these are the other places."""

    @pytest.fixture
    def review(self):
        review = make_review(headline="Edited by an intruder")
        make_figure(review, position=0, caption=f"Cap {SCRIPT}", credit=f"Cred {IMG}")
        Section.objects.create(review=review, order=9, heading=f"Head {SCRIPT}", body="Text.")
        make_credit(review, person=f"Pers {IMG}", role=f"Role </script>{SCRIPT}")
        return review

    def test_cast_credits_stay_inside_the_json_ld(self, client, review):
        html = client.get(review.get_absolute_url()).content.decode()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        data = json.loads(blocks[0])
        actor = data["itemReviewed"]["actor"][0]
        assert actor["actor"]["name"] == f"Pers {IMG}"
        assert actor["characterName"] == f"Role </script>{SCRIPT}"
        assert "</script><script>alert" not in html.lower()  # nothing broke out of a block

    @pytest.mark.parametrize("where", ["admin review page", "preview"])
    def test_in_the_admin_and_the_preview(self, client, editor, review, where):
        client.force_login(editor)
        address = (
            review.get_preview_url()
            if where == "preview"
            else reverse("admin:reviews_review_change", args=[review.pk])
        )
        html = client.get(address).content.decode()
        # Captions and headings are stored typeset (curly quotes); the markup stays in them.
        caption = review.figures.get().caption
        heading = review.sections.get(order=9).heading
        assert caption == f"Cap {SCRIPT}".replace('"x"', "“x”") and heading.startswith("Head <")
        for text in (caption, f"Cred {IMG}", heading, f"Pers {IMG}"):
            assert_escaped(html, text, where)

    def test_listings_and_feeds_never_carry_it(self, client, review):
        for address in ["/", "/search/?q=intruder", "/feed/", "/feed/atom/", "/sitemap.xml"]:
            body = client.get(address).content.decode()
            assert SCRIPT not in body and IMG not in body, address


# --- The page new readers share -----------------------------------------------------------


class TestSharedPage:
    """New readers share one copy of the review page through the HTTP cache: it must hold
    nothing of any one reader's, and stay escaped."""

    @pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img"])
    def test_a_hostile_comment_stays_escaped_in_the_shared_page(self, client, payload):
        review = make_review()
        assert post(client, review, name=f"N {payload}", body=f"B {payload}").status_code == 302
        response = Client().get(review.get_absolute_url())
        assert response["Cache-Control"].startswith("public")
        html = response.content.decode()
        assert_escaped(html, f"N {payload}", "the shared page")
        assert_escaped(html, f"B {payload}", "the shared page")

    def test_the_shared_page_holds_no_token_vote_rating_or_error_of_anyone(self):
        review = make_review()
        voter = Client()
        voter.post(vote_url(review), {"choice": review.poll.choices.first().pk})
        post(voter, review, body="My own words.", rating="4")
        refused = post(Client(), review, name="", body="Typed by someone else.")
        assert refused.status_code == 400 and refused["Cache-Control"] != "public"
        response = Client().get(review.get_absolute_url())
        html = response.content.decode()
        assert response["Cache-Control"].startswith("public") and not response.cookies
        assert "csrfmiddlewaretoken" not in html and "Your vote" not in html
        assert "You rated this review" not in html and "Typed by someone else." not in html
        assert 'name="choice"' in html  # the form, not this or that reader's results


#: What a browser says about a request that another site's page made.
CROSS_SITE = {
    "cross-site": {"HTTP_SEC_FETCH_SITE": "cross-site"},
    "another subdomain": {"HTTP_SEC_FETCH_SITE": "same-site"},
    "foreign origin, older browser": {"HTTP_ORIGIN": "https://evil.example"},
    "sandboxed frame": {"HTTP_ORIGIN": "null"},
    "same host, other port": {"HTTP_ORIGIN": "http://testserver:8080"},
    "same host, other scheme": {"HTTP_ORIGIN": "https://testserver"},
    "cross-site despite origin": {
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_ORIGIN": "http://testserver",
    },
}
SAME_SITE = {
    "same-origin": {"HTTP_SEC_FETCH_SITE": "same-origin"},
    "typed or bookmarked": {"HTTP_SEC_FETCH_SITE": "none"},
    "own origin, older browser": {"HTTP_ORIGIN": "http://testserver"},
    "not a browser": {},
}


class TestCrossSiteForgery:
    """Reader forms carry no token (their page is shared): browsers' Fetch Metadata and
    Origin headers tell our own pages' posts from another site's."""

    @pytest.mark.parametrize("form", ["vote", "comment", "report"])
    @pytest.mark.parametrize("headers", CROSS_SITE.values(), ids=CROSS_SITE.keys())
    def test_reader_forms_refuse_another_sites_post(self, form, headers):
        review = make_review()
        comment = make_comment(review)
        client = Client()
        address, data = reader_form(form, client, review, comment)
        before = written()
        response = client.post(address, data, **headers)
        assert response.status_code == 403
        assert "This form was not sent from our site" in response.content.decode()
        assert "nothing was saved" in response.content.decode()
        assert written() == before
        assert "reader" not in response.cookies

    @pytest.mark.parametrize("form", ["vote", "comment", "report"])
    @pytest.mark.parametrize("headers", SAME_SITE.values(), ids=SAME_SITE.keys())
    def test_the_same_forms_from_our_own_pages_go_through(self, form, headers):
        """The control for the test above: only the headers differed there."""
        review = make_review()
        comment = make_comment(review)
        client = Client(enforce_csrf_checks=True)
        address, data = reader_form(form, client, review, comment)
        assert client.post(address, data, **headers).status_code == 302

    def test_a_trusted_origin_is_accepted(self, settings):
        settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
        review = make_review()
        response = Client().post(
            vote_url(review),
            {"choice": review.poll.choices.first().pk},
            HTTP_ORIGIN="https://www.example.org",
        )
        assert response.status_code == 302 and Vote.objects.count() == 1

    @pytest.mark.parametrize("form", ["vote", "comment", "report"])
    @pytest.mark.parametrize("token", ["missing", "garbage", "another client's"])
    def test_signed_in_readers_still_need_their_own_token(self, reader, form, token):
        review = make_review()
        comment = make_comment(review)
        client = Client(enforce_csrf_checks=True)
        client.force_login(reader)
        address, data = reader_form(form, client, review, comment)
        assert data.get("csrfmiddlewaretoken")  # their page is their own: it has one
        if token == "missing":
            del data["csrfmiddlewaretoken"]
        elif token == "garbage":
            data["csrfmiddlewaretoken"] = "x" * 64
        else:
            other = Client()
            html = other.get("/admin/login/").content.decode()
            data["csrfmiddlewaretoken"] = form_data(html, "login-form")["csrfmiddlewaretoken"]
        before = written()
        response = client.post(address, data, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 403
        assert CSRF_REFUSED in response.content.decode()
        assert written() == before

    @pytest.mark.parametrize("form", ["vote", "comment", "report"])
    def test_signed_in_readers_with_their_token_go_through(self, reader, form):
        review = make_review()
        comment = make_comment(review)
        client = Client(enforce_csrf_checks=True)
        client.force_login(reader)
        address, data = reader_form(form, client, review, comment)
        assert client.post(address, data, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302


# --- SQL metacharacters -------------------------------------------------------------------

SQL = [
    "1' OR '1'='1",
    "1; DROP TABLE comments_comment; --",
    "0 UNION SELECT password FROM auth_user",
    "1)) OR ((1=1",
    '"; SELECT pg_sleep(5); --',
]


class TestSqlMetacharacters:
    @pytest.mark.parametrize("value", SQL)
    @pytest.mark.parametrize("param", ["comments", "reply_to"])
    def test_review_page_parameters_show_the_plain_page(self, client, superuser, param, value):
        review = make_review()
        make_comment(review, name="Marisol", body="The only comment.")
        before = written()
        response = client.get(review.get_absolute_url(), {param: value})
        html = response.content.decode()
        assert response.status_code == 200
        assert "The only comment." in html and "Replying to" not in html
        assert "md5$" not in html  # no password hash came back through a UNION
        assert written() == before

    @pytest.mark.parametrize("value", SQL)
    @pytest.mark.parametrize("address", ["/", "/search/"])
    def test_page_numbers_fall_back_to_a_real_page(self, client, address, value):
        make_review(headline="A review")
        before = written()
        response = client.get(address, {"q": "review", "page": value})
        assert response.status_code == 200
        assert "A review" in response.content.decode()
        assert written() == before

    @pytest.mark.parametrize("value", SQL)
    @pytest.mark.parametrize(
        ("field", "message"),
        [
            ("vote:choice", "That answer is not part of this poll"),
            ("comment:parent", "The comment you are replying to could not be found."),
            ("comment:rating", "Choose a rating from 1 to 5 stars, or no rating."),
            ("report:reason", "Choose one of the reasons listed."),
        ],
    )
    def test_form_fields_are_refused_with_their_message(self, client, field, message, value):
        review = make_review()
        comment = make_comment(review)
        form, name = field.split(":")
        address, data = reader_form(form, client, review, comment)
        before = written()
        response = client.post(address, data | {name: value}, follow=True)
        assert escape(message) in response.content.decode()
        assert response.status_code in (200, 400)
        assert written() == before

    @pytest.mark.parametrize("value", SQL)
    @pytest.mark.parametrize("address", ["vote", "results", "comment"])
    def test_slugs_are_a_readable_404(self, client, address, value):
        make_review(slug="review")
        url = {
            "vote": "/reviews/{}/poll/vote/",
            "results": "/reviews/{}/poll/results.json",
            "comment": "/reviews/{}/comments/",
        }[address].format(f"review{value}")
        before = written()
        response = client.post(url, {"choice": "1", "name": "M", "body": TEXT})
        assert response.status_code in (404, 405)  # results.json takes no POST
        assert client.get(url).status_code == 404
        if response.status_code == 404:
            assert "We couldn’t find that page" in response.content.decode()
        assert written() == before

    def test_sql_in_comment_text_is_kept_as_plain_words(self, client):
        review = make_review()
        post(client, review, name="Robert'); DROP TABLE x;--", body=SQL[2])
        comment = Comment.objects.get()
        assert (comment.name, comment.body) == ("Robert'); DROP TABLE x;--", SQL[2])
        html = client.get(review.get_absolute_url()).content.decode()
        assert escape("Robert'); DROP TABLE x;--") in html and "md5$" not in html


# --- Invalid Unicode, sent as raw bytes ---------------------------------------------------

#: Byte sequences no browser sends: an overlong "<" and ">" (C0 BC, C0 BE, the classic
#: way round a filter that looks for "<"), a UTF-16 surrogate encoded as UTF-8 (ED A0 80),
#: a code point above U+10FFFF, and stray continuation bytes.
RAW = {
    "overlong": b"%C0%BCscript%C0%BEalert(1)%C0%BC/script%C0%BE",
    "surrogate": b"lone%ED%A0%80surrogate%ED%B0%80",
    "beyond unicode": b"big%F4%90%80%80point",
    "stray bytes": b"%80%BF%FE%FFjunk",
}


def raw_post(client, address: str, fields: dict[str, bytes]):
    body = b"&".join(name.encode() + b"=" + value for name, value in fields.items())
    return client.post(
        address, body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR="192.0.2.9"
    )


class TestInvalidUnicode:
    @pytest.mark.parametrize("raw", RAW.values(), ids=RAW.keys())
    @pytest.mark.parametrize("field", ["name", "body"])
    def test_a_refused_comment_shows_replacement_characters_never_markup(self, client, field, raw):
        review = make_review()
        fields = {"name": b"Marisol", "body": b"Kept", "stamp": stamp(0).encode()}  # too quick
        fields[field] = raw
        response = raw_post(client, post_url(review), fields)
        html = response.content.decode()
        assert response.status_code == 400
        assert "That was quick" in html
        assert "\ufffd" in html  # what could not be read is shown as such
        assert "<script" not in html[html.index('id="comment-form"') :]
        assert not Comment.objects.exists()

    @pytest.mark.parametrize("raw", RAW.values(), ids=RAW.keys())
    def test_an_accepted_comment_stores_readable_text(self, client, raw):
        review = make_review()
        fields = {"name": raw[:60], "body": raw, "stamp": stamp().encode()}
        assert raw_post(client, post_url(review), fields).status_code == 302
        comment = Comment.objects.get()
        for text in (comment.name, comment.body):
            assert "<" not in text and ">" not in text
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)  # no lone surrogate
        html = client.get(review.get_absolute_url()).content.decode()
        assert "<script" not in html[html.index('<section id="comments"') :]

    @pytest.mark.parametrize("raw", RAW.values(), ids=RAW.keys())
    def test_a_report_note_with_broken_bytes(self, client, raw):
        comment = make_comment(make_review())
        refused = raw_post(client, report_url(comment), {"reason": b"", "note": raw})
        html = refused.content.decode()
        assert refused.status_code == 400
        assert "Choose what is wrong with this comment." in html
        assert "\ufffd" in html and "<script" not in html
        assert not Report.objects.exists()
        assert raw_post(client, report_url(comment), {"reason": b"spam", "note": raw}).status_code
        note = Report.objects.get().note
        assert "<" not in note and not any(0xD800 <= ord(c) <= 0xDFFF for c in note)

    def test_direction_overrides_are_taken_out_of_a_report_note(self, client):
        comment = make_comment(make_review())
        data = report_form(client, comment) | {"reason": "spam", "note": "see \u202egnp.exe"}
        assert client.post(report_url(comment), data).status_code == 302
        assert Report.objects.get().note == "see gnp.exe"

    def test_a_comment_over_the_limit_in_four_byte_characters_is_refused(self, client):
        body = "🎬" * 5001
        response = post(client, make_review(), body=body)
        assert response.status_code == 400
        assert "Please keep your comment to 5000 characters (it has 5001)." in (
            response.content.decode()
        )
        assert not Comment.objects.exists()


# --- NUL bytes in URLs (in form fields: test_attacks_form_bodies.py) ---------------------


class TestNulInUrls:
    @pytest.mark.parametrize(
        "address",
        [
            "/authors/edi%00tor/",
            "/genres/crime%00/",
            "/reviews/{slug}%00/",
            "/reviews/{slug}/?comments=%00",
            "/reviews/{slug}/?reply_to=1%00",
            "/reviews/{slug}/poll/results.json?x=%00",
            "/search/?q=crime%00",
            "/?page=2%00",
            "/comments/{pk}%00/report/",
        ],
    )
    def test_in_a_url_is_a_readable_400(self, client, editor, address):
        comment = make_comment(make_review(author=editor))
        before = written()
        response = client.get(address.format(slug=comment.review.slug, pk=comment.pk))
        assert response.status_code == 400
        assert UNREADABLE in response.content.decode()
        assert written() == before

    def test_in_a_posted_url(self, client):
        review = make_review()
        before = written()
        response = client.post(vote_url(review) + "?x=%00", {"choice": "1"})
        assert response.status_code == 400
        assert UNREADABLE in response.content.decode()
        assert written() == before


# --- Wrong methods ------------------------------------------------------------------------


class TestWrongMethods:
    @pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
    @pytest.mark.parametrize("address", ["comment", "report", "results"])
    def test_reader_urls_answer_a_readable_405(self, client, address, method):
        comment = make_comment(make_review())
        url = {
            "comment": post_url(comment.review),
            "report": report_url(comment),
            "results": results_url(comment.review),
        }[address]
        before = written()
        response = getattr(client, method)(url, "reason=spam&name=x&body=y")
        assert response.status_code == 405
        assert WRONG_METHOD in response.content.decode()
        assert response["Allow"]
        assert written() == before

    def test_head_on_the_vote_url_changes_nothing(self, client):
        review = make_review()
        response = client.head(vote_url(review))
        assert response.status_code == 405
        assert Vote.objects.count() == 0
