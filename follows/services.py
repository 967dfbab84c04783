"""Writes of the follows app: following, confirming, stopping, and sending.

Sending a review is two steps through the task queue. mailing_start stores one Delivery
row per follower it should reach (unique per review and follower, so a second start, a
rerun or a republication adds none) and queues them in batches spaced to keep
FOLLOW_MAIL_RATE. deliveries_send claims each row (PENDING → SENDING, one UPDATE) before
its message goes to the mail server and marks it SENT after; a worker that dies leaves
its claim, and deliveries_reclaim (`manage.py send_follow_mail`, from cron) gives claims
older than FOLLOW_MAIL_RECLAIM back to the queue. The only window for a second message
is a crash between the server's "250 accepted" and the UPDATE that follows it.
"""

import logging
import smtplib
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from comments.models import MailAddress
from comments.services import subscription_stop
from follows import links, mail
from follows.models import Delivery, Digest, Follow, Follower, Mailing
from reviews.models import Review, Series

logger = logging.getLogger("follows.mail")


class StaleLink(Exception):
    """A confirmation link sent before its address stopped everything (a replay)."""


class GoneTarget(Exception):
    """The series or critic a link names no longer exists."""


def describe(*, kind: str, series: Series | None, critic) -> str:
    """What a follow covers, in words for a message or a page."""
    return Follow(kind=kind, series=series, critic=critic).label


def follow_request(*, email: str, kind: str, series: Series | None, critic, frequency: str) -> bool:
    """Send a link that confirms this follow; True if one was queued.

    Nothing is stored about the follow itself until the link is opened (its choices ride
    in the signed link), and at most CONFIRMATIONS_A_DAY confirmations a day go to an
    address, so a form typed with a stranger's address costs them a few e-mails at most and
    subscribes nobody.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        address = MailAddress.objects.locked(email)
        if not address.take_confirmation(now):
            return False
        mail.queue_confirmation(
            email=email,
            what=describe(kind=kind, series=series, critic=critic),
            confirm_url=links.confirm_url(
                email=email,
                kind=kind,
                series=series.pk if series else None,
                critic=critic.pk if critic else None,
                freq=frequency,
            ),
        )
    return True


def follow_confirm(
    *,
    email: str,
    sent_at: int,
    kind: str,
    series: int | None,
    critic: int | None,
    frequency: str,
) -> Follow:
    """Store a follow from its signed link, and confirm the address (for replies too).

    A link sent before the address stopped everything is refused (StaleLink): an old
    message must not undo an unsubscribe. Opening a link twice changes nothing more.
    """
    from django.contrib.auth import get_user_model

    if kind not in Follow.Kind.values or frequency not in Follow.Frequency.values:
        raise GoneTarget
    target = {"series": None, "critic": None}
    if kind == Follow.Kind.SERIES:
        target["series"] = Series.objects.filter(pk=series).first()
    elif kind == Follow.Kind.CRITIC:
        target["critic"] = get_user_model().objects.filter(pk=critic).first()
    if kind != Follow.Kind.SITE and not any(target.values()):
        raise GoneTarget
    now = timezone.now()
    with transaction.atomic():
        address, _ = MailAddress.objects.get_or_create(email=email)
        address = MailAddress.objects.select_for_update().get(pk=address.pk)
        follower, _ = Follower.objects.get_or_create(address=address)
        # Whole seconds, as the link carries: a link sent in the second of the stop still works.
        if follower.stopped_at and int(follower.stopped_at.timestamp()) > sent_at:
            raise StaleLink
        if address.confirmed_at is None:
            address.confirmed_at = now
            address.save(update_fields=["confirmed_at"])
        if follower.undeliverable_at:
            Follower.objects.filter(pk=follower.pk).update(
                undeliverable_at=None, undeliverable_reason=""
            )
        follow, created = Follow.objects.get_or_create(
            follower=follower, kind=kind, **target, defaults={"frequency": frequency}
        )
        if not created and follow.frequency != frequency:
            follow.frequency = frequency
            follow.save(update_fields=["frequency"])
        return follow


def already_followed(
    *, email: str, kind: str, series: int | None, critic: int | None, frequency: str, **_
) -> bool:
    """Whether the address follows this already, as often as the link asks (a confirm link
    opened again, once used)."""
    return Follow.objects.filter(
        follower__address__email=email,
        kind=kind,
        series_id=series,
        critic_id=critic,
        frequency=frequency,
    ).exists()


def follower_for(email: str) -> Follower | None:
    return Follower.objects.select_related("address").filter(address__email=email).first()


def follows_stop(*, email: str) -> int:
    """Stop everything this address gets (the one-click unsubscribe of a follow mail):
    every follow and every reply e-mail. Returns how many follows stopped.

    The follower row stays, with stopped_at: confirmation links sent before are refused.
    The day's confirmation allowance starts afresh, so the owner may follow again at once.
    """
    with transaction.atomic():
        subscription_stop(email=email, comment_id=None)  # and the day's allowance afresh
        follower = Follower.objects.select_for_update().filter(address__email=email).first()
        if follower is None:
            return 0
        count, _ = follower.follows.all().delete()
        follower.stopped_at = timezone.now()
        follower.save(update_fields=["stopped_at"])
        return count


def follow_change(*, follower: Follower, follow_id: int, frequency: str | None) -> Follow | None:
    """Change how often one follow sends, or (frequency None) stop it. Returns the follow
    (to name it), or None if it is not theirs."""
    follow = follower.follows.select_related("series", "critic").filter(pk=follow_id).first()
    if follow is None:
        return None
    if frequency is None:
        follow.delete()
    else:
        follower.follows.filter(pk=follow_id).update(frequency=frequency)
    return follow


# --- Sending a review ----------------------------------------------------------------------


def mailing_reach(review: Review) -> int:
    """How many addresses a mailing of this review would reach now."""
    return Follower.objects.following(review, frequency=Follow.Frequency.EACH).count()


def mailing_decide(*, review: Review, send: bool) -> Mailing:
    """An editor's choice for a review: e-mail its followers or not. Once started, the
    mailing is what it is (a correction never mails anyone twice)."""
    mailing, created = Mailing.objects.get_or_create(review=review, defaults={"send": send})
    if not created and mailing.started_at is None and mailing.send != send:
        mailing.send = send
        mailing.decided_at = timezone.now()
        mailing.save(update_fields=["send", "decided_at"])
    return mailing


def mailing_start(*, review_id: int) -> int:
    """Queue a live review's message to each follower it should reach, once; returns how many.

    A review is announced when it is live and was first published within
    FOLLOW_ANNOUNCE_WINDOW, unless an editor said not to. Delivery rows and the batch
    tasks are written in one transaction (the task queue is in the same database).
    """
    from follows.tasks import send_batch

    now = timezone.now()
    review = Review.objects.filter(pk=review_id).first()
    if review is None or not review.is_live:
        return 0
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(review=review).first()
        if mailing is None:
            if review.published_at < now - timedelta(seconds=settings.FOLLOW_ANNOUNCE_WINDOW):
                return 0
            try:
                with transaction.atomic():
                    Mailing.objects.create(review=review)
            except IntegrityError:  # another worker's start got there first
                pass
            mailing = Mailing.objects.select_for_update().get(review=review)
        if mailing.started_at is not None or not mailing.send:
            return 0
        followers = list(Follower.objects.following(review, frequency=Follow.Frequency.EACH))
        batches = _batches(followers, start=now)
        Delivery.objects.bulk_create(
            [
                Delivery(review=review, follower_id=follower, due_at=due)
                for due, chunk in batches
                for follower in chunk
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        for due, chunk in batches:
            send_batch.using(run_after=due).enqueue(review_id=review.pk, followers=chunk)
        mailing.started_at = now
        mailing.recipients = len(followers)
        mailing.save(update_fields=["started_at", "recipients"])
    logger.info("Review %s: %d follower(s) to e-mail", review.pk, len(followers))
    return len(followers)


def _batches(ids: list[int], *, start) -> list[tuple]:
    """(due time, ids) in FOLLOW_MAIL_BATCH-sized chunks, spaced to keep FOLLOW_MAIL_RATE."""
    size = settings.FOLLOW_MAIL_BATCH
    spacing = size / settings.FOLLOW_MAIL_RATE
    return [
        (start + timedelta(seconds=n * spacing), ids[i : i + size])
        for n, i in enumerate(range(0, len(ids), size))
    ]


def _permanent(error: Exception) -> str | None:
    """The server's words if it refused the address for good (5xx), else None."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        for code, text in error.recipients.values():
            if code >= 500:
                return (
                    f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                )
    elif isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500:
        return f"{error.smtp_code} {error.smtp_error!r}"
    return None


def deliveries_send(*, review_id: int, followers: list[int]) -> dict[str, int]:
    """Send a review to these followers over one connection, each message claimed first.

    A 5xx refusal marks the follower undeliverable; any other failure (server down, 4xx)
    puts the row back with a later due time and a task to retry it, MAIL_RETRIES times,
    then FAILED and logged. Returns counts by outcome.
    """
    from follows.tasks import send_batch

    counts = {"sent": 0, "refused": 0, "retrying": 0, "failed": 0, "skipped": 0}
    review = Review.objects.filter(pk=review_id).first()
    if review is None or not review.is_live:
        return counts  # rows stay PENDING; the sweep offers them again while live
    rows = Delivery.objects.filter(review_id=review_id)
    reachable = {
        follower.pk: follower
        for follower in Follower.objects.select_related("address").filter(
            pk__in=Follower.objects.following(review, frequency=Follow.Frequency.EACH).filter(
                pk__in=followers
            )
        )
    }
    reasons = Follow.objects.reasons(review, list(reachable))
    connection = get_connection()
    connection.open()  # one connection for the batch (send_messages would open one each)
    relaxed = _RelaxedCommits()
    try:
        for follower_id in followers:
            claimed = rows.filter(follower_id=follower_id, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SENDING,
                claimed_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
            if not claimed:
                continue  # sent, or being sent, by another task
            row = rows.filter(follower_id=follower_id)
            follower = reachable.get(follower_id)
            if follower is None or follower_id not in reasons:  # stopped since: not theirs
                row.update(status=Delivery.Status.SKIPPED)
                counts["skipped"] += 1
                continue
            try:
                message = mail.review_message(
                    review=review, email=follower.email, reason=reasons[follower_id]
                )
                connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as error:
                outcome = _failed(row, follower, error, review_id=review_id, task=send_batch)
                counts[outcome] += 1
                if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                    connection.close()  # the connection itself broke: a fresh one next time
                continue
            row.update(status=Delivery.Status.SENT, sent_at=timezone.now(), error="")
            counts["sent"] += 1
    finally:
        connection.close()
        relaxed.close()
    return counts


class _RelaxedCommits:
    """On PostgreSQL, commits of this batch's status rows do not wait for the disk.

    Each message costs two one-row commits; waiting for each to reach the disk was most of
    the time a message took (make bench-follow). A worker that dies loses nothing by it (the
    commit is in PostgreSQL already); only a crash of the database server itself could lose
    the last fraction of a second of "sent" marks, and with them send those messages again.
    """

    def __init__(self):
        self.on = db_connection.vendor == "postgresql"
        if self.on:
            with db_connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")

    def close(self):
        if self.on:
            with db_connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def _failed(row, follower: Follower, error: Exception, *, review_id: int, task) -> str:
    refusal = _permanent(error)
    if refusal:
        row.update(status=Delivery.Status.REFUSED, error=refusal[:300])
        Follower.objects.filter(pk=follower.pk).update(
            undeliverable_at=timezone.now(), undeliverable_reason=refusal[:300]
        )
        logger.warning("Follower %s refused by the mail server: %s", follower.pk, refusal)
        return "refused"
    attempts = row.values_list("attempts", flat=True).first() or 1
    if attempts > settings.MAIL_RETRIES:
        row.update(status=Delivery.Status.FAILED, error=str(error)[:300])
        logger.error(
            "Review %s to follower %s failed after %d attempts: %s",
            review_id,
            follower.pk,
            attempts,
            error,
        )
        return "failed"
    due = timezone.now() + timedelta(seconds=settings.MAIL_RETRY_DELAY * 2 ** (attempts - 1))
    row.update(status=Delivery.Status.PENDING, due_at=due, error=str(error)[:300])
    task.using(run_after=due).enqueue(review_id=review_id, followers=[follower.pk])
    logger.warning(
        "Review %s to follower %s not sent (attempt %d: %s); trying again at %s",
        review_id,
        follower.pk,
        attempts,
        error,
        due.isoformat(timespec="seconds"),
    )
    return "retrying"


def deliveries_reclaim(*, older_than: int) -> int:
    """Give claims a dead worker left back to the queue, and queue again the waiting rows
    whose task is overdue by older_than seconds; returns how many rows were queued.

    Queuing a row twice is harmless: only one task can claim it.
    """
    from follows.tasks import send_batch

    cutoff = timezone.now() - timedelta(seconds=older_than)
    Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lte=cutoff).update(
        status=Delivery.Status.PENDING, due_at=cutoff
    )
    waiting = (
        Delivery.objects.filter(
            Q(review__in=Review.objects.published()),
            status=Delivery.Status.PENDING,
            due_at__lte=cutoff,
            follower__isnull=False,
        )
        .order_by("review_id", "pk")
        .values_list("review_id", "follower_id")
    )
    by_review: dict[int, list[int]] = {}
    for review_id, follower_id in waiting:
        by_review.setdefault(review_id, []).append(follower_id)
    queued = 0
    with transaction.atomic():
        for review_id, followers in by_review.items():
            for due, chunk in _batches(followers, start=timezone.now()):
                send_batch.using(run_after=due).enqueue(review_id=review_id, followers=chunk)
                queued += len(chunk)
    return queued


def mailings_due() -> int:
    """Start the mailing of every live review that should have one and has not (a review
    that went live by the clock, or a task lost with its worker); returns how many."""
    window = timezone.now() - timedelta(seconds=settings.FOLLOW_ANNOUNCE_WINDOW)
    due = Review.objects.published().filter(
        Q(mailing__isnull=True, published_at__gte=window)
        | Q(mailing__send=True, mailing__started_at__isnull=True)
    )
    started = 0
    for review_id in due.values_list("pk", flat=True):
        mailing_start(review_id=review_id)
        started += 1
    return started


# --- The weekly digest ---------------------------------------------------------------------


def digests_send(*, today: date | None = None) -> int:
    """Queue this week's digest to each weekly follower with something new; returns how many.

    The week is the seven days before today; a Digest row per (follower, week) is claimed
    with the message's task in one transaction, so running the command twice sends none twice.
    """
    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    since = timezone.now() - timedelta(days=7)
    recent = list(
        Review.objects.published().filter(published_at__gte=since).order_by("published_at")
    )
    if not recent:
        return 0
    queued = 0
    weekly = Follower.objects.reachable().filter(follows__frequency=Follow.Frequency.WEEKLY)
    followers = weekly.distinct().select_related("address")
    for follower in followers.prefetch_related("follows__series", "follows__critic__profile"):
        follows = [f for f in follower.follows.all() if f.frequency == Follow.Frequency.WEEKLY]
        chosen = [review for review in recent if any(f.covers(review) for f in follows)]
        if not chosen:
            continue
        try:
            with transaction.atomic():
                Digest.objects.create(
                    follower=follower, week=week, reviews=len(chosen), sent_at=timezone.now()
                )
                mail.queue_digest(
                    email=follower.email,
                    reviews=chosen,
                    week=week,
                    following=[
                        f.label
                        for f in sorted(follows, key=Follow.specificity)
                        if any(map(f.covers, chosen))
                    ],
                )
        except IntegrityError:
            continue  # already sent this week
        queued += 1
    return queued
