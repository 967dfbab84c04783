"""The demo shows the episodes: Ballard season 1's list, arc and shield."""

import pytest
from django.core.management import call_command

from comments.models import Comment
from demo.content import BALLARD_SLUG
from reviews.models import Episode, Review

pytestmark = pytest.mark.django_db


def test_demo_has_ballard_episodes_recaps_ratings_and_stays_idempotent(client):
    call_command("load_demo", stdout=None)
    call_command("load_demo", stdout=None)
    assert Episode.objects.filter(series__slug="ballard", season_number=1).count() == 10
    recaps = Review.objects.published().filter(episode__isnull=False)
    assert recaps.count() == 3
    assert Comment.objects.filter(review__in=recaps, body="").count() == 12  # ratings alone
    hub = client.get("/series/ballard/").content.decode()
    for recap in recaps:
        assert f'<a href="{recap.get_absolute_url()}">Episode {recap.episode.number}</a>' in hub
    assert hub.count('<span class="episode__none">not yet recapped</span>') == 7
    assert 'class="arc__chart"' in hub
    shielded = client.get(f"/reviews/{BALLARD_SLUG}/?upto=1").content.decode()
    assert "Contains spoilers for episode 8" in shielded
    assert "<strong>Episode 2</strong> — you haven’t watched this yet" in shielded
