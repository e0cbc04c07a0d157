"""Invitations carry their contact's channel, staff member, team and region (as responses do),
so the response rate is counted on one table. Existing invitations take the staff member's
team of today: the closest that can be known."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

CHANNELS = [
    ("consultation", "Consultation"),
    ("home_visit", "Home visit"),
    ("helpline", "Helpline call"),
    ("email", "E-mail answer"),
]


def copy_from_contacts(apps, schema_editor):
    Contact = apps.get_model("feedback", "Contact")
    Invitation = apps.get_model("feedback", "Invitation")
    contact = Contact.objects.filter(pk=OuterRef("contact_id"))
    Invitation.objects.update(
        channel=Subquery(contact.values("channel")[:1]),
        staff_id=Subquery(contact.values("staff_id")[:1]),
        team_id=Subquery(contact.values("staff__team_id")[:1]),
        region_id=Subquery(contact.values("staff__team__region_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_invitation_address_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="channel",
            field=models.CharField(
                choices=CHANNELS, default="", max_length=16, verbose_name="channel"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="invitation",
            name="staff",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.staffmember",
                verbose_name="staff member",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="team",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.team",
                verbose_name="team",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.region",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(copy_from_contacts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="staff",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.staffmember",
                verbose_name="staff member",
            ),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.team",
                verbose_name="team",
            ),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="feedback.region",
                verbose_name="region",
            ),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(fields=["team", "created_at"], name="invitation_team_time"),
        ),
    ]
