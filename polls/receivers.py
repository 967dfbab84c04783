"""Signal receivers: how polls follow reviews without the reviews app knowing about them."""

from polls import services


def give_new_review_a_poll(sender, instance, created, raw=False, **kwargs):
    """Every new review starts with the default poll; editors may edit, close or delete it.

    A signal (not a call in the reviews app) keeps reviews free of any import of polls;
    raw saves (loaddata) are skipped because fixtures bring their own rows.
    """
    if created and not raw:
        services.poll_create_default(review=instance)
