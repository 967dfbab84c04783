"""Review bodies saved before the typographer: rendered again, so existing reviews get the
same curly quotes, dashes and ellipses as new ones (and as headlines)."""

from django.db import migrations


def render_again(apps, schema_editor):
    from infra import freshness
    from reviews import markup

    Section = apps.get_model("reviews", "Section")
    changed = set()
    for section in Section.objects.only("pk", "review_id", "body", "body_html").iterator():
        html = markup.render(section.body)
        if html != section.body_html:
            Section.objects.filter(pk=section.pk).update(body_html=html)
            changed.add(section.review_id)
    if changed:
        # Their page fragments are keyed by updated_at; the HTTP caches are purged.
        freshness.review_changed(*sorted(changed))


class Migration(migrations.Migration):
    dependencies = [
        ("frontpage", "0001_front_page_picks_and_pages"),
        ("reviews", "0014_merge_series_and_editors"),
    ]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
