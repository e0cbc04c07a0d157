# In its own migration, after the skeletons are filled: PostgreSQL builds the index on the
# filled column, outside the transaction that wrote the rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_pseudonym_skeletons_fill"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("pseudonym_skeleton",),
                name="user_pseudonym_skeleton_unique",
                violation_error_message="This pseudonym is taken, or looks too much like one that is. Choose another one.",
            ),
        ),
    ]
