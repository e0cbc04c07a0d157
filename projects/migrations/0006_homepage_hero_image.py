"""The home page gets an optional image beside its introduction, with a description in Dutch
and English (empty: the image is decoration)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_moderation_permission"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="homepage",
            name="hero_image",
            field=models.ForeignKey(
                blank=True,
                help_text="A photo or illustration beside the introduction. It is cropped to landscape around the focal point you set on the image.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="image",
            ),
        ),
        migrations.AddField(
            model_name="homepage",
            name="hero_image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for people who cannot see it. Leave empty when the image is only decoration.",
                max_length=255,
                verbose_name="image description",
            ),
        ),
        migrations.AddField(
            model_name="homepage",
            name="hero_image_alt_en",
            field=models.CharField(
                blank=True,
                help_text="Leave empty to use the Dutch description.",
                max_length=255,
                verbose_name="image description in English",
            ),
        ),
    ]
