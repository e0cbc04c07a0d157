"""Search at size: an index on the post id as Wagtail's index entries store it (text), so
search can go from a matching entry to its post (docs/architecture.md, "Search at size")."""

import django.db.models.functions.comparison
from django.db import migrations, models


def statistics_refresh(apps, schema_editor) -> None:
    """PostgreSQL keeps statistics on an expression index's values only from the next
    ANALYZE; until then the planner guesses how the join behaves and picks slow plans (ten
    times slower at a million posts). Autovacuum would not analyze before a tenth of the
    posts changed."""
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("projects", "Post")._meta.db_table
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_post_submission_key"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                django.db.models.functions.comparison.Cast(
                    "id", output_field=models.CharField(max_length=50)
                ),
                name="post_id_as_index_object_id",
            ),
        ),
        migrations.RunPython(statistics_refresh, migrations.RunPython.noop, elidable=True),
    ]
