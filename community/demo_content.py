"""Demo terms and privacy notice, and demo parents who already went through onboarding.

Used by `manage.py seed_demo`; every function is idempotent. Texts are in plain language
(B1), Dutch first with an English translation. Contact addresses are demo placeholders.
"""

from django.db import transaction

from community.models import ConsentDocument, ConsentKind, User
from community.services.consent import consent_accept, consent_documents_to_accept
from community.services.pseudonyms import member_pseudonym_set

DEMO_PRIVACY_EMAIL = "privacy@example.org"

RESEARCH_TERMS = {
    "kind": ConsentKind.RESEARCH_TERMS,
    "title": "Voorwaarden om mee te doen aan het onderzoek",
    "title_en": "Research participation terms",
    "body": (
        "<p>Meet the Parents is de onderzoekscommunity van Kind en Gezin. Als je meedoet, "
        "help je ons onze dienstverlening voor gezinnen te verbeteren. Hier lees je wat "
        "meedoen betekent.</p>"
        "<h2>Wat doe je als je meedoet?</h2>"
        "<ul>"
        "<li>Je beantwoordt vragen en praat mee in projecten van onderzoekers van Kind en "
        "Gezin.</li>"
        "<li>Je doet mee onder een schuilnaam. Andere ouders zien nooit je e-mailadres of "
        "je echte naam.</li>"
        "<li>Je kiest zelf waarop je antwoordt. Niets is verplicht.</li>"
        "</ul>"
        "<h2>Wat doen we met wat je schrijft?</h2>"
        "<ul>"
        "<li>Onderzoekers en moderatoren van Kind en Gezin lezen wat je schrijft en "
        "gebruiken het voor onderzoek.</li>"
        "<li>In verslagen citeren we soms een stukje tekst, zonder je schuilnaam. Cijfers "
        "over een groep tonen we pas als die groep minstens 5 ouders telt.</li>"
        "<li>Wat we met jullie ideeën doen, lees je onder <strong>Jullie zeiden, wij "
        "deden</strong>.</li>"
        "</ul>"
        "<h2>Afspraken</h2>"
        "<ul>"
        "<li>Je bent vriendelijk en respectvol voor andere ouders.</li>"
        "<li>Je deelt geen gegevens waarmee iemand jou of een ander kan herkennen, zoals "
        "een adres of telefoonnummer.</li>"
        "<li>Moderatoren kunnen bijdragen verbergen die niet aan de huisregels voldoen.</li>"
        "</ul>"
        "<h2>Stoppen</h2>"
        "<p>Meedoen is vrijwillig. Je kunt je toestemming altijd intrekken onder "
        "<strong>Mijn Meet the Parents</strong>. Dan stopt je deelname meteen. Wat je "
        "eerder schreef, blijft in de onderzoeksgegevens onder je schuilnaam. Wil je dat ook "
        "weg? Verwijder dan je account en vink “Verwijder ook mijn bijdragen” aan.</p>"
    ),
    "body_en": (
        "<p>Meet the Parents is the research community of Kind en Gezin. When you take part, "
        "you help us improve our services for families. This is what taking part means.</p>"
        "<h2>What do you do when you take part?</h2>"
        "<ul>"
        "<li>You answer questions and join discussions in projects of researchers at Kind en "
        "Gezin.</li>"
        "<li>You take part under a pseudonym. Other parents never see your e-mail address "
        "or your real name.</li>"
        "<li>You choose what you answer. Nothing is required.</li>"
        "</ul>"
        "<h2>What do we do with what you write?</h2>"
        "<ul>"
        "<li>Researchers and moderators of Kind en Gezin read what you write and use it for "
        "research.</li>"
        "<li>In reports we sometimes quote a short piece of text, without your pseudonym. We "
        "only show figures about a group when that group has at least 5 parents.</li>"
        "<li>What we do with your ideas, you read under <strong>You said, we did</strong>."
        "</li>"
        "</ul>"
        "<h2>Agreements</h2>"
        "<ul>"
        "<li>You are friendly and respectful to other parents.</li>"
        "<li>You do not share details that let someone recognise you or someone else, such "
        "as an address or phone number.</li>"
        "<li>Moderators can hide posts that break the house rules.</li>"
        "</ul>"
        "<h2>Stopping</h2>"
        "<p>Taking part is voluntary. You can withdraw your consent at any time under "
        "<strong>My Meet the Parents</strong>. Your participation then stops at once. What "
        "you wrote before stays in the research data under your pseudonym. Do you want that "
        "removed too? Then delete your account and tick “Also remove my posts”.</p>"
    ),
}

PRIVACY_NOTICE = {
    "kind": ConsentKind.PRIVACY_NOTICE,
    "title": "Privacyverklaring",
    "title_en": "Privacy notice",
    "body": (
        "<p>Kind en Gezin is verantwoordelijk voor je gegevens op Meet the Parents. We gaan "
        "zorgvuldig met je gegevens om en volgen de AVG, de Europese privacywet.</p>"
        "<h2>Welke gegevens gebruiken we, en waarom?</h2>"
        "<ul>"
        "<li>Je e-mailadres: om in te loggen en om je e-mails te sturen.</li>"
        "<li>Je schuilnaam: die zien andere ouders bij wat je schrijft.</li>"
        "<li>Je onderzoeksprofiel, als je het invult: bijvoorbeeld de leeftijd van je kind of "
        "je provincie. Zo nodigen we de juiste ouders uit voor een project.</li>"
        "<li>Wat je schrijft: je antwoorden en reacties.</li>"
        "</ul>"
        "<h2>Wie ziet wat?</h2>"
        "<ul>"
        "<li>Andere ouders zien alleen je schuilnaam en wat je schrijft.</li>"
        "<li>Onderzoekers en moderatoren van Kind en Gezin zien je bijdragen en je "
        "onderzoeksprofiel, nooit je e-mailadres in hun overzichten.</li>"
        "<li>We verkopen je gegevens nooit en gebruiken ze niet voor reclame.</li>"
        "</ul>"
        "<h2>Jouw rechten</h2>"
        "<ul>"
        "<li>Je kunt al je gegevens downloaden onder <strong>Mijn Meet the Parents</strong>."
        "</li>"
        "<li>Je kunt je profiel altijd aanpassen of leegmaken.</li>"
        "<li>Je kunt je account verwijderen. Dan wissen we je e-mailadres, je profiel en je "
        "login.</li>"
        "<li>Ben je niet tevreden? Dan kun je een klacht indienen bij de Vlaamse "
        "Toezichtcommissie.</li>"
        "</ul>"
        f'<p>Vragen over je privacy? Mail naar <a href="mailto:{DEMO_PRIVACY_EMAIL}">'
        f"{DEMO_PRIVACY_EMAIL}</a>. Dit is een demo-adres.</p>"
    ),
    "body_en": (
        "<p>Kind en Gezin is responsible for your data on Meet the Parents. We handle your "
        "data with care and follow the GDPR, the European privacy law.</p>"
        "<h2>Which data do we use, and why?</h2>"
        "<ul>"
        "<li>Your e-mail address: to log in and to send you e-mails.</li>"
        "<li>Your pseudonym: other parents see it next to what you write.</li>"
        "<li>Your research profile, if you fill it in: for example the age of your child or "
        "your province. This lets us invite the right parents to a project.</li>"
        "<li>What you write: your answers and replies.</li>"
        "</ul>"
        "<h2>Who sees what?</h2>"
        "<ul>"
        "<li>Other parents only see your pseudonym and what you write.</li>"
        "<li>Researchers and moderators of Kind en Gezin see your posts and your research "
        "profile, never your e-mail address in their overviews.</li>"
        "<li>We never sell your data and do not use it for advertising.</li>"
        "</ul>"
        "<h2>Your rights</h2>"
        "<ul>"
        "<li>You can download all your data under <strong>My Meet the Parents</strong>.</li>"
        "<li>You can change or empty your profile at any time.</li>"
        "<li>You can delete your account. We then erase your e-mail address, your profile "
        "and your login.</li>"
        "<li>Not happy? Then you can file a complaint with the Flemish supervisory authority "
        "(Vlaamse Toezichtcommissie).</li>"
        "</ul>"
        f'<p>Questions about your privacy? Send an e-mail to <a href="mailto:'
        f'{DEMO_PRIVACY_EMAIL}">{DEMO_PRIVACY_EMAIL}</a>. This is a demo address.</p>'
    ),
}

CONSENT_DOCUMENTS = [RESEARCH_TERMS, PRIVACY_NOTICE]

# The demo parents skip onboarding: they have a pseudonym and accepted the current texts.
DEMO_PSEUDONYMS = {
    "ouder1@example.org": "Zonnebloem",
    "ouder2@example.org": "Papa Kastanje",
    "ouder3@example.org": "Mama Merel",
    "ouder4@example.org": "Tweelingpapa",
    "ouder5@example.org": "Lentekind",
    "ouder6@example.org": "Mama Noor",
    "ouder7@example.org": "Pleegouder Wilg",
}


@transaction.atomic
def consent_documents_seed() -> int:
    """Create and publish the terms and the privacy notice where they do not exist yet;
    returns how many were created."""
    created = 0
    for spec in CONSENT_DOCUMENTS:
        if ConsentDocument.objects.filter(kind=spec["kind"]).exists():
            continue
        document = ConsentDocument(**spec, live=False)
        document.save()
        document.save_revision().publish()
        created += 1
    return created


@transaction.atomic
def demo_members_onboard() -> int:
    """Give the demo parents their pseudonym and accept the current texts for them; returns
    how many needed it."""
    onboarded = 0
    for user in User.objects.filter(email__in=DEMO_PSEUDONYMS):
        documents = consent_documents_to_accept(user=user)
        if user.pseudonym and not documents:
            continue
        if not user.pseudonym:
            member_pseudonym_set(user=user, pseudonym=DEMO_PSEUDONYMS[user.email])
        consent_accept(user=user, documents=documents)
        onboarded += 1
    return onboarded
