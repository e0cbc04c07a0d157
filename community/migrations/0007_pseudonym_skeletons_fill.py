"""Give every existing pseudonym its skeleton (community.validators.pseudonym_skeleton).

Two existing pseudonyms may look alike (they were only compared case-insensitively before).
Both members keep their pseudonym: the one who joined first gets the skeleton, the later one
keeps NULL, which the unique constraint allows. Their look-alike is refused to everyone new all
the same, because the first member's skeleton is taken; the later member gets a skeleton as soon
as they change their pseudonym.
"""

from django.db import migrations

BATCH = 1000


def fill_skeletons(apps, schema_editor):
    from community.validators import pseudonym_skeleton

    User = apps.get_model("community", "User")
    taken = set()
    changed = []
    members = (
        User.objects.using(schema_editor.connection.alias)
        .exclude(pseudonym="")
        .order_by("date_joined", "pk")
        .only("pk", "pseudonym")
    )
    for user in members.iterator(chunk_size=BATCH):
        skeleton = pseudonym_skeleton(user.pseudonym)
        if not skeleton or skeleton in taken:
            continue
        taken.add(skeleton)
        user.pseudonym_skeleton = skeleton
        changed.append(user)
    User.objects.using(schema_editor.connection.alias).bulk_update(
        changed, ["pseudonym_skeleton"], batch_size=BATCH
    )


def clear_skeletons(apps, schema_editor):
    User = apps.get_model("community", "User")
    User.objects.using(schema_editor.connection.alias).update(pseudonym_skeleton=None)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0006_pseudonym_holds"),
    ]

    operations = [migrations.RunPython(fill_skeletons, clear_skeletons)]
