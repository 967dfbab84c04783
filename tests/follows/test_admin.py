"""Staff side: the review's admin page offers "E-mail followers" with its reach and shows
what was sent; the followers list (search, counts, CSV for those with the permission);
erase_commenter takes an address's follows with it; no address in any reader's page."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import MailAddress
from follows import services
from follows.models import Delivery, Follow, Follower, Mailing
from reviews.models import Series
from tests.factories import give_name, make_review, make_user
from tests.follows.following import followers
from tests.reviews.editing import save

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    return Series.objects.create(name="Ballard")


def send_box(html: str) -> str:
    """The "E-mail followers" checkbox's tag."""
    match = re.search(r'<input[^>]*name="mailing-0-send"[^>]*>', html)
    assert match, "no E-mail followers checkbox"
    return match.group(0)


def change_page(client, review) -> str:
    response = client.get(reverse("admin:reviews_review_change", args=[review.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestOnTheReviewsPage:
    def test_a_draft_offers_e_mail_followers_ticked_and_says_how_many_it_reaches(
        self, client, editor, series
    ):
        followers(3, kind=Follow.Kind.SERIES, series=series)
        followers(2, prefix="site")
        draft = make_review(series=series, published=False)
        client.force_login(editor)
        html = change_page(client, draft)
        assert "E-mail followers" in html
        assert "e-mail the 5 addresses following" in html
        assert "checked" in send_box(html)

    def test_a_live_review_offers_it_unticked_for_a_correction(self, client, editor, series):
        live = make_review(series=series, published_at=timezone.now() - timedelta(days=9))
        client.force_login(editor)
        html = change_page(client, live)
        assert 'name="mailing-0-send" id="id_mailing-0-send">' in html or (
            'name="mailing-0-send"' in html
            and "checked" not in html.split('name="mailing-0-send"')[1][:40]
        )

    def test_saving_a_live_review_as_offered_is_a_correction_and_mails_nobody(
        self, client, editor, series
    ):
        followers(2, kind=Follow.Kind.SERIES, series=series)
        live = make_review(series=series)
        client.force_login(editor)
        response = save(client, live, standfirst="A corrected standfirst.")
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert Mailing.objects.get(review=live).send is False
        assert services.mailing_start(review_id=live.pk) == 0

    def test_publishing_a_draft_as_offered_mails_its_followers(self, client, editor, series):
        followers(2, kind=Follow.Kind.SERIES, series=series)
        draft = make_review(series=series, published=False, author=give_name(editor))
        client.force_login(editor)
        response = save(
            client,
            draft,
            status="published",
            published_at_0=timezone.localtime().strftime("%Y-%m-%d"),
            published_at_1=timezone.localtime().strftime("%H:%M:%S"),
            _publish_anyway="1",
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert Mailing.objects.get(review=draft).send is True
        assert services.mailing_start(review_id=draft.pk) == 2

    def test_unticked_the_review_is_not_mailed(self, series):
        followers(2, kind=Follow.Kind.SERIES, series=series)
        review = make_review(series=series, published=False)
        services.mailing_decide(review=review, send=False)
        review.publish(at=timezone.now())
        assert services.mailing_start(review_id=review.pk) == 0
        assert not Delivery.objects.exists()

    def test_after_sending_the_page_shows_when_how_many_and_failures(self, client, editor, series):
        followers(3, kind=Follow.Kind.SERIES, series=series)
        review = make_review(series=series, published_at=timezone.now())
        assert services.mailing_start(review_id=review.pk) == 3
        rows = list(Delivery.objects.order_by("pk"))
        Delivery.objects.filter(pk__in=[r.pk for r in rows[:2]]).update(status="sent")
        Delivery.objects.filter(pk=rows[2].pk).update(status="refused")
        client.force_login(editor)
        html = change_page(client, review)
        assert "for 3 address(es): <strong>2 sent</strong>, 1 failed, 0 waiting." in html
        assert Mailing.objects.get(review=review).started_at
        # The choice is history now, said in words, not the unticked case's help text.
        assert "followers were e-mailed when it went live" in html
        assert "Off: the editor chose not to" not in html and 'name="mailing-0-send"' not in html
        # A save (a correction) keeps the mailing as it was.
        assert save(client, review, standfirst="Corrected.").status_code == 302
        assert Mailing.objects.get(review=review).recipients == 3

    def test_a_live_review_never_mailed_says_a_tick_sends_it_on_save(self, client, editor, series):
        followers(2, kind=Follow.Kind.SERIES, series=series)
        live = make_review(series=series, published_at=timezone.now() - timedelta(days=9))
        client.force_login(editor)
        html = change_page(client, live)
        assert "Tick to e-mail the 2 addresses following" in html and "when you save" in html
        assert "When it goes live" not in html


class TestFollowersList:
    def test_listed_searchable_with_counts_and_no_export_without_permission(
        self, client, editor, series
    ):
        critic = give_name(make_user("eddie"), "Eddie Marsh")
        followers(2, kind=Follow.Kind.SERIES, series=series)
        followers(1, prefix="crit", kind=Follow.Kind.CRITIC, critic=critic)
        client.force_login(editor)
        url = reverse("admin:follows_follower_changelist")
        html = client.get(url, {"q": "crit0"}).content.decode()
        assert "crit0@example.com" in html and "reader0@example.com" not in html
        assert "reviews by Eddie Marsh (each new review)" in html
        assert "Ballard <strong>2</strong>" in html and "eddie <strong>1</strong>" in html
        assert "export_csv" not in html

    def test_staff_with_the_permission_export_csv(self, client, editor, series):
        followers(2, prefix="=cmd", kind=Follow.Kind.SERIES, series=series)
        editor.user_permissions.add(Permission.objects.get(codename="export_follower"))
        client.force_login(editor)
        response = client.post(
            reverse("admin:follows_follower_changelist"),
            {
                "action": "export_csv",
                "_selected_action": list(Follower.objects.values_list("pk", flat=True)),
            },
        )
        assert response["Content-Type"].startswith("text/csv")
        body = response.content.decode()
        assert body.startswith("email,follows,frequency,since,confirmed,undeliverable")
        assert "'=cmd0@example.com,the series Ballard,each," in body


class TestPrivacy:
    def test_erase_commenter_deletes_the_address_and_its_follows_keeps_the_counts(self, series):
        followers(1, prefix="gone", kind=Follow.Kind.SERIES, series=series)
        review = make_review(series=series, published_at=timezone.now())
        services.mailing_start(review_id=review.pk)
        out = StringIO()
        call_command("erase_commenter", "gone0@example.com", stdout=out)
        assert "Deleted the record of gone0@example.com" in out.getvalue()
        assert not MailAddress.objects.exists() and not Follow.objects.exists()
        assert Delivery.objects.get().follower is None  # the count stays, not the address

    def test_no_page_a_reader_sees_holds_a_followers_address(self, series):
        followers(1, prefix="secret", kind=Follow.Kind.SERIES, series=series)
        review = make_review(series=series)
        for url in [review.get_absolute_url(), series.get_absolute_url(), "/newsletter/", "/"]:
            assert "secret0" not in Client().get(url).content.decode()
