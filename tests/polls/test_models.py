"""Every review comes with its poll; the database itself refuses what must never be stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import RestrictedError
from django.utils import timezone

from demo.content import BALLARD_SLUG
from polls import services
from polls.models import Choice, Poll, Vote
from reviews.models import Review
from tests.factories import make_review, make_votes


@pytest.mark.django_db
class TestDefaultPoll:
    def test_a_new_review_gets_will_you_watch_yes_no_maybe(self):
        review = make_review(published=False)
        assert review.poll.question == "Will you watch?"
        assert [c.text for c in review.poll.choices.all()] == ["Yes", "No", "Maybe"]
        assert review.poll.is_open

    def test_an_episode_recap_asks_will_you_keep_watching(self):
        from tests.episodes.seasons import make_season

        _season, _episodes, recaps = make_season(episodes=1, recapped=(1,))
        assert recaps[1].poll.question == "Will you keep watching?"
        assert [c.text for c in recaps[1].poll.choices.all()] == ["Yes", "No", "Maybe"]

    def test_saving_a_review_again_does_not_add_or_restore_a_poll(self):
        review = make_review()
        review.poll.delete()
        review.headline = "Edited"
        review.save()
        assert not Poll.objects.filter(review=review).exists()

    def test_load_demo_leaves_the_ballard_review_with_its_poll(self):
        call_command("load_demo", stdout=None)
        ballard = Review.objects.get(slug=BALLARD_SLUG)
        assert [c.text for c in ballard.poll.choices.all()] == ["Yes", "No", "Maybe"]
        assert Poll.objects.count() == Review.objects.count()


@pytest.mark.django_db
class TestDatabaseRules:
    def test_a_second_vote_by_the_same_reader_cannot_be_stored(self):
        poll = make_review().poll
        yes, no = poll.choices.all()[:2]
        Vote.objects.create(poll=poll, choice=yes, voter="a:one")
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(poll=poll, choice=no, voter="a:one")

    def test_vote_cast_reports_a_duplicate_without_writing(self):
        poll = make_review().poll
        yes = poll.choices.first()
        assert services.vote_cast(poll=poll, choice_id=yes.pk, voter="a:one") is True
        assert services.vote_cast(poll=poll, choice_id=yes.pk, voter="a:one") is False
        assert Vote.objects.count() == 1

    def test_vote_cast_refuses_a_choice_of_another_poll(self):
        poll, other = make_review().poll, make_review().poll
        with pytest.raises(services.NotAChoice, match="another poll"):
            services.vote_cast(poll=poll, choice_id=other.choices.first().pk, voter="a:one")
        assert Vote.objects.count() == 0
        assert not other.choices.filter(vote_count__gt=0).exists()

    def test_a_voter_who_voted_is_told_so_even_when_the_second_answer_is_not_the_polls(self):
        poll, other = make_review().poll, make_review().poll
        assert services.vote_cast(poll=poll, choice_id=poll.choices.first().pk, voter="a:one")
        again = services.vote_cast(poll=poll, choice_id=other.choices.first().pk, voter="a:one")
        assert again is False
        assert Vote.objects.count() == 1

    def test_a_choice_with_votes_cannot_be_deleted_alone(self):
        poll = make_review().poll
        make_votes(poll, {"Yes": 1})
        with pytest.raises(RestrictedError):
            poll.choices.get(text="Yes").delete()
        assert Vote.objects.count() == 1

    def test_deleting_a_review_takes_its_poll_and_votes(self):
        review = make_review()
        make_votes(review.poll, {"Yes": 2, "No": 1})
        review.delete()
        assert not Poll.objects.exists() and not Choice.objects.exists()
        assert not Vote.objects.exists()

    def test_a_poll_must_close_after_it_opens(self):
        poll = make_review().poll
        poll.opens_at = timezone.now()
        poll.closes_at = poll.opens_at - timedelta(minutes=1)
        with pytest.raises(ValidationError, match="must close after it opens"):
            poll.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            poll.save()


@pytest.mark.django_db(transaction=True)
def test_migrating_gives_existing_reviews_the_default_poll():
    before_polls = ("polls", "0001_polls_choices_votes")
    executor = MigrationExecutor(connection)
    executor.migrate([before_polls])
    # Every other app as it is now; polls as it was before the data migration.
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "polls"]
    old_apps = executor.loader.project_state([*nodes, before_polls]).apps
    OldReview = old_apps.get_model("reviews", "Review")
    OldPoll = old_apps.get_model("polls", "Poll")
    # Historical models send no signals to polls' receiver: like a review from before polls.
    old = OldReview.objects.create(headline="Old", slug="old", standfirst="s", work_title="T")
    assert not OldPoll.objects.filter(review_id=old.pk).exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    poll = Poll.objects.get(review_id=old.pk)
    assert poll.question == "Will you watch?"
    assert [c.text for c in poll.choices.all()] == ["Yes", "No", "Maybe"]
