"""How a letter left (e-mailed once, or kept to print and post), and the default letter
templates in Dutch and English: acknowledgement, refusal and answer. The complaints lead edits
them in the admin; the answer letter gets the ombudsman referral added by services.letters."""

from django.db import migrations, models

TEMPLATES = [
    {
        "kind": "acknowledgement",
        "language": "nl",
        "name": "Ontvangstmelding",
        "subject": "Wij hebben uw klacht ontvangen ({reference})",
        "body": (
            "Beste {name},\n\n"
            "Wij hebben uw klacht goed ontvangen op {received_on}. Uw klacht heeft het nummer "
            "{reference}. Noem dit nummer als u ons contacteert.\n\n"
            "Wij bekijken uw klacht en nemen contact met u op om samen naar een oplossing te "
            "zoeken. U krijgt ons antwoord ten laatste op {answer_due}.\n\n"
            "Uw contactpersoon is {handler}.\n\n"
            "Met vriendelijke groeten,\n"
            "De klachtendienst van Kind en Gezin"
        ),
    },
    {
        "kind": "acknowledgement",
        "language": "en",
        "name": "Acknowledgement",
        "subject": "We have received your complaint ({reference})",
        "body": (
            "Dear {name},\n\n"
            "We received your complaint on {received_on}. Your complaint has the number "
            "{reference}. Please mention this number when you contact us.\n\n"
            "We are looking into your complaint and will contact you to find a solution "
            "together. You will have our answer by {answer_due} at the latest.\n\n"
            "Your contact person is {handler}.\n\n"
            "Kind regards,\n"
            "The complaints service of Kind en Gezin"
        ),
    },
    {
        "kind": "refusal",
        "language": "nl",
        "name": "Klacht niet behandeld",
        "subject": "Wij behandelen uw klacht niet ({reference})",
        "body": (
            "Beste {name},\n\n"
            "Op {received_on} stuurde u ons een klacht (nummer {reference}). Wij hebben uw "
            "klacht goed gelezen, maar wij behandelen ze niet.\n\n"
            "Waarom niet? {refusal_ground}.\n\n"
            "{refusal_reason}\n\n"
            "Bent u het niet eens met deze beslissing? Dan kunt u terecht bij de Vlaamse "
            "Ombudsdienst, Leuvenseweg 86, 1000 Brussel, gratis nummer 1700, "
            "www.vlaamseombudsdienst.be, klachten@vlaamseombudsdienst.be.\n\n"
            "Met vriendelijke groeten,\n"
            "{handler}\n"
            "De klachtendienst van Kind en Gezin"
        ),
    },
    {
        "kind": "refusal",
        "language": "en",
        "name": "Complaint not handled",
        "subject": "We will not handle your complaint ({reference})",
        "body": (
            "Dear {name},\n\n"
            "On {received_on} you sent us a complaint (number {reference}). We read your "
            "complaint carefully, but we will not handle it.\n\n"
            "Why not? {refusal_ground}.\n\n"
            "{refusal_reason}\n\n"
            "Do you disagree with this decision? You may turn to the Flemish Ombudsman "
            "(Vlaamse Ombudsdienst), Leuvenseweg 86, 1000 Brussel, free number 1700, "
            "www.vlaamseombudsdienst.be, klachten@vlaamseombudsdienst.be.\n\n"
            "Kind regards,\n"
            "{handler}\n"
            "The complaints service of Kind en Gezin"
        ),
    },
    {
        "kind": "answer",
        "language": "nl",
        "name": "Antwoord",
        "subject": "Ons antwoord op uw klacht ({reference})",
        "body": (
            "Beste {name},\n\n"
            "Op {received_on} stuurde u ons een klacht (nummer {reference}). Wij hebben uw "
            "klacht onderzocht en erover gepraat met u en met de betrokken medewerkers.\n\n"
            "Ons oordeel over uw klacht: {outcome}.\n\n"
            "[Schrijf hier wat er gebeurd is, wat wij ervan vinden en wat wij veranderen.]\n\n"
            "Met vriendelijke groeten,\n"
            "{handler}\n"
            "De klachtendienst van Kind en Gezin"
        ),
    },
    {
        "kind": "answer",
        "language": "en",
        "name": "Answer",
        "subject": "Our answer to your complaint ({reference})",
        "body": (
            "Dear {name},\n\n"
            "On {received_on} you sent us a complaint (number {reference}). We looked into "
            "your complaint and talked it over with you and with the staff involved.\n\n"
            "Our judgement of your complaint: {outcome}.\n\n"
            "[Write here what happened, what we think of it and what we will change.]\n\n"
            "Kind regards,\n"
            "{handler}\n"
            "The complaints service of Kind en Gezin"
        ),
    },
]


def templates_create(apps, schema_editor) -> None:
    AnswerTemplate = apps.get_model("complaints", "AnswerTemplate")
    for template in TEMPLATES:
        AnswerTemplate.objects.get_or_create(
            kind=template["kind"],
            language=template["language"],
            name=template["name"],
            defaults={"subject": template["subject"], "body": template["body"]},
        )


def templates_remove(apps, schema_editor) -> None:
    AnswerTemplate = apps.get_model("complaints", "AnswerTemplate")
    for template in TEMPLATES:
        AnswerTemplate.objects.filter(
            kind=template["kind"], language=template["language"], name=template["name"]
        ).delete()


class Migration(migrations.Migration):
    # After helper A's 0002 so the graph has one leaf while both exist (the lead re-chains).
    dependencies = [("complaints", "0002_public_submission_key")]

    operations = [
        migrations.AddField(
            model_name="complaintletter",
            name="by_post",
            field=models.BooleanField(default=False, verbose_name="to print and post"),
        ),
        migrations.AddField(
            model_name="complaintletter",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mailed"),
        ),
        migrations.RunPython(templates_create, templates_remove),
    ]
