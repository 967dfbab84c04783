"""Background tasks of the reviews app, run by `manage.py db_worker` (django-tasks)."""

from django_tasks import task


@task()
def apply_due_changes() -> int:
    """Apply the scheduled changes whose time has come (enqueued to run at that time)."""
    from reviews.services import review_apply_due_changes

    return review_apply_due_changes()
