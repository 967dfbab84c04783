"""Signal receivers: how polls follow reviews without the reviews app knowing about them.

Not for freshness: a poll edited in the admin is saved with its review (the review's
save_related says review_changed once) or in the poll's own admin (its save_related);
votes say poll_results_changed in polls.services.
"""

from polls import services


def give_new_review_a_poll(sender, instance, created, raw=False, **kwargs):
    """Every new review starts with the default poll; editors may edit, close or delete it.

    A signal (not a call in the reviews app) keeps reviews free of any import of polls;
    raw saves (loaddata) are skipped because fixtures bring their own rows.
    """
    if created and not raw:
        services.poll_create_default(review=instance)
