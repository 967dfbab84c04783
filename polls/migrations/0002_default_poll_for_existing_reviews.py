"""Give every review that existed before polls (the demo, say) the default poll."""

from django.db import migrations

# Frozen copies: a migration must not change when the app's defaults do.
QUESTION = "Will you watch?"
CHOICES = ("Yes", "No", "Maybe")


def add_default_polls(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    Poll = apps.get_model("polls", "Poll")
    Choice = apps.get_model("polls", "Choice")
    for review in Review.objects.filter(poll__isnull=True).only("pk"):
        poll = Poll.objects.create(review=review, question=QUESTION)
        Choice.objects.bulk_create(
            Choice(poll=poll, order=order, text=text) for order, text in enumerate(CHOICES, 1)
        )


def remove_unused_default_polls(apps, schema_editor):
    """Undo: drop the polls nobody has voted in (polls with votes are readers' data)."""
    Poll = apps.get_model("polls", "Poll")
    Poll.objects.filter(question=QUESTION, votes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("polls", "0001_polls_choices_votes"),
        ("reviews", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(add_default_polls, remove_unused_default_polls)]
