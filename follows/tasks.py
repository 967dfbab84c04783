"""Tasks of the follows app, run by `manage.py db_worker`."""

from django_tasks import task


@task()
def announce(*, review_id: int) -> int:
    """Start e-mailing a review's followers (see services.mailing_start)."""
    from follows.services import mailing_start

    return mailing_start(review_id=review_id)


@task()
def send_batch(*, review_id: int, followers: list[int]) -> dict[str, int]:
    """Send a review to one batch of followers (see services.deliveries_send)."""
    from follows.services import deliveries_send

    return deliveries_send(review_id=review_id, followers=followers)
