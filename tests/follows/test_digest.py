"""The weekly digest (`manage.py send_follow_digest`, from cron): the week's reviews for
what each weekly follower follows, once a week, through the real SMTP server and worker."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from follows.models import Follow, Follower
from reviews.models import Series
from tests.factories import give_name, make_review, make_user
from tests.follows.following import followers
from tests.mailserver import run_worker


def test_weekly_followers_get_one_digest_of_their_weeks_reviews_and_only_once(smtp):
    ballard = Series.objects.create(name="Ballard")
    other = Series.objects.create(name="Slow Horses")
    mine = make_review(series=ballard, published_at=timezone.now() - timedelta(days=2))
    theirs = make_review(series=other, published_at=timezone.now() - timedelta(days=1))
    old = make_review(
        series=ballard, season_number=2, published_at=timezone.now() - timedelta(days=9)
    )
    (weekly,) = followers(1, prefix="weekly", kind=Follow.Kind.SERIES, series=ballard)
    Follow.objects.update(frequency=Follow.Frequency.WEEKLY)
    (each,) = followers(1, prefix="each", kind=Follow.Kind.SERIES, series=ballard)

    call_command("send_follow_digest", stdout=None)
    call_command("send_follow_digest", stdout=None)  # cron ran twice: still one
    run_worker(smtp)

    (digest,) = smtp.messages_to(weekly)
    assert digest.message["Subject"] == "This week on Reviewsite: 1 new review"
    text = digest.part("text/plain")
    assert mine.headline in text
    assert theirs.headline not in text and old.headline not in text
    for part in (text, digest.part("text/html")):  # what chose these reviews
        assert "Your weekly digest from Reviewsite, of the series Ballard." in part
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp.messages_to(each) == []


def test_a_digest_names_the_follows_that_chose_its_reviews(smtp):
    ballard, horses = Series.objects.create(name="Ballard"), Series.objects.create(name="Slow")
    critic = give_name(make_user("eddie"), "Eddie Marsh")
    recently = timezone.now() - timedelta(days=1)
    make_review(series=ballard, published_at=recently)
    make_review(author=critic, work_title="Another show", published_at=recently)
    (reader,) = followers(1, prefix="reader", kind=Follow.Kind.SERIES, series=ballard)
    follower = Follower.objects.get()
    Follow.objects.create(follower=follower, kind=Follow.Kind.CRITIC, critic=critic)
    Follow.objects.create(follower=follower, kind=Follow.Kind.SERIES, series=horses)
    Follow.objects.update(frequency=Follow.Frequency.WEEKLY)

    call_command("send_follow_digest", stdout=None)
    run_worker(smtp)

    (digest,) = smtp.messages_to(reader)
    text = digest.part("text/plain")
    assert "from Reviewsite, of the series Ballard and reviews by Eddie Marsh." in text
    assert "Slow" not in text  # followed, but nothing of it this week
