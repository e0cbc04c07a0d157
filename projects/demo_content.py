"""Demo content that the ``seed_demo`` management command publishes.

Plain Python data only: no Django imports. Dutch (nl) is the default language,
English (en) is a faithful translation. Text is written in plain language (B1).

Rich text values use only: p, h2, h3, strong, em, ul, ol, li and a href.
Page bodies are lists of StreamField blocks in Wagtail's JSON form; headings are
separate ``heading`` blocks, never h2/h3 inside a ``paragraph`` block.

All contact addresses are demo placeholders (example.org), not real mailboxes.
"""

from typing import Any

Block = dict[str, Any]

DEMO_EMAIL = "meettheparents@example.org"
DEMO_PRIVACY_EMAIL = "privacy@example.org"
DEMO_ACCESSIBILITY_EMAIL = "toegankelijkheid@example.org"


def _heading(text: str) -> Block:
    return {"type": "heading", "value": text}


def _paragraph(html: str) -> Block:
    return {"type": "paragraph", "value": html}


def _quote(text: str, attribution: str = "") -> Block:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def _mailto(address: str) -> str:
    return f'<a href="mailto:{address}">{address}</a>'


# ---------------------------------------------------------------------------
# Home page and project index
# ---------------------------------------------------------------------------

HOME: dict[str, str] = {
    "title": "Meet the Parents",
    "title_en": "Meet the Parents",
    "intro": (
        "<p><strong>Meet the Parents</strong> is de online community van Kind en Gezin. "
        "Hier praat je met andere ouders over je ervaringen met Kind en Gezin: "
        "het consultatiebureau, het huisbezoek, de K&amp;G-Lijn en meer.</p>"
        "<p>Iedereen die zorgt voor een kind kan meedoen: mama's, papa's, "
        "meeouders en pleegouders. Je doet mee onder een schuilnaam. "
        "Andere ouders zien je echte naam of e-mailadres nooit.</p>"
        "<p>Onderzoekers van Kind en Gezin lezen wat je schrijft. "
        "Zo leren ze wat goed gaat en wat beter kan. Wat we met jullie ideeën doen, "
        "lees je terug onder <strong>Jullie zeiden, wij deden</strong>.</p>"
    ),
    "intro_en": (
        "<p><strong>Meet the Parents</strong> is the online community of Kind en Gezin. "
        "Here you talk with other parents about your experiences with Kind en Gezin: "
        "the consultation office, the home visit, the K&amp;G helpline and more.</p>"
        "<p>Everyone who cares for a child can join: mums, dads, co-parents "
        "and foster parents. You take part under a pseudonym. "
        "Other parents never see your real name or e-mail address.</p>"
        "<p>Researchers at Kind en Gezin read what you write. "
        "This way they learn what goes well and what can be better. What we do with "
        "your ideas, you can read under <strong>You said, we did</strong>.</p>"
    ),
}

PROJECT_INDEX: dict[str, str] = {
    "title": "Projecten",
    "title_en": "Projects",
    "intro": (
        "<p>Hier vind je alle projecten waaraan je kunt meedoen. "
        "Elk project gaat over één thema en loopt een paar weken.</p>"
        "<p>Kies een project, lees de uitleg en beantwoord de vragen. "
        "Je mag ook reageren op wat andere ouders schrijven. "
        "Elke bijdrage helpt, hoe kort ook.</p>"
    ),
    "intro_en": (
        "<p>Here you find all the projects you can take part in. "
        "Each project is about one theme and runs for a few weeks.</p>"
        "<p>Choose a project, read the introduction and answer the questions. "
        "You can also reply to what other parents write. "
        "Every contribution helps, however short.</p>"
    ),
}


# ---------------------------------------------------------------------------
# Standard pages
# ---------------------------------------------------------------------------

_ABOUT_BODY: list[Block] = [
    _paragraph(
        "<p>Meet the Parents is een online onderzoekscommunity van Kind en Gezin. "
        "We willen onze dienstverlening samen met ouders beter maken. "
        "Daarom vragen we jou wat je meemaakt, wat je nodig hebt en wat je mist.</p>"
    ),
    _heading("Hoe werkt een project?"),
    _paragraph(
        "<ol>"
        "<li><strong>Onderzoekers stellen vragen.</strong> Een project gaat over één thema, "
        "bijvoorbeeld de eerste weken thuis met je baby.</li>"
        "<li><strong>Ouders antwoorden en praten samen.</strong> Je schrijft je eigen "
        "ervaring en je reageert op andere ouders.</li>"
        "<li><strong>Moderatoren zorgen voor een veilige plek.</strong> Ze volgen de "
        "gesprekken en vatten samen wat ouders zeggen in duidelijke inzichten.</li>"
        "<li><strong>Je hoort wat we ermee doen.</strong> Onder <em>Jullie zeiden, "
        "wij deden</em> lees je welke veranderingen er komen.</li>"
        "</ol>"
    ),
    _quote(
        "Ik vond het fijn om te lezen dat andere ouders hetzelfde voelden. "
        "En later zag ik dat er echt iets veranderd is.",
        "Een ouder (voorbeeldtekst in deze demo)",
    ),
    _heading("Je doet mee onder een schuilnaam"),
    _paragraph(
        "<p>Bij je registratie kies je een schuilnaam. Andere ouders zien alleen die "
        "schuilnaam. Je echte naam en je e-mailadres blijven verborgen. "
        "Schrijf daarom ook zelf geen namen, adressen of telefoonnummers in je berichten.</p>"
    ),
    _heading("Hoe doe je mee?"),
    _paragraph(
        "<p>Maak een account met je e-mailadres en kies een schuilnaam. "
        "Je kunt ook een paar vragen over je gezin beantwoorden, bijvoorbeeld de leeftijd "
        "van je kind. Dat is niet verplicht. Het helpt ons wel om je de juiste projecten "
        "te tonen.</p>"
        "<p>Meedoen is vrijwillig. Je beslist zelf op welke vragen je antwoordt. "
        "Je kunt op elk moment stoppen en je account verwijderen.</p>"
    ),
    _paragraph(
        '<p>Lees ook de <a href="/huisregels/">huisregels</a> en de '
        '<a href="/privacy/">privacyverklaring</a>. Vragen? Mail naar '
        f"{_mailto(DEMO_EMAIL)} (demo-adres).</p>"
    ),
]

_ABOUT_BODY_EN: list[Block] = [
    _paragraph(
        "<p>Meet the Parents is an online research community of Kind en Gezin. "
        "We want to improve our services together with parents. "
        "That is why we ask you what you experience, what you need and what you miss.</p>"
    ),
    _heading("How does a project work?"),
    _paragraph(
        "<ol>"
        "<li><strong>Researchers ask questions.</strong> A project is about one theme, "
        "for example the first weeks at home with your baby.</li>"
        "<li><strong>Parents answer and talk together.</strong> You write about your own "
        "experience and you reply to other parents.</li>"
        "<li><strong>Moderators keep it a safe place.</strong> They follow the "
        "conversations and sum up what parents say in clear insights.</li>"
        "<li><strong>You hear what we do with it.</strong> Under <em>You said, "
        "we did</em> you can read which changes are coming.</li>"
        "</ol>"
    ),
    _quote(
        "I liked reading that other parents felt the same. "
        "And later I saw that something really changed.",
        "A parent (sample text in this demo)",
    ),
    _heading("You take part under a pseudonym"),
    _paragraph(
        "<p>When you register, you choose a pseudonym. Other parents only see that "
        "pseudonym. Your real name and your e-mail address stay hidden. "
        "So please do not write names, addresses or phone numbers in your posts either.</p>"
    ),
    _heading("How do you join?"),
    _paragraph(
        "<p>Create an account with your e-mail address and choose a pseudonym. "
        "You can also answer a few questions about your family, for example the age "
        "of your child. This is not required. But it helps us show you the right "
        "projects.</p>"
        "<p>Taking part is voluntary. You decide which questions you answer. "
        "You can stop at any time and delete your account.</p>"
    ),
    _paragraph(
        '<p>Please also read the <a href="/en/huisregels/">house rules</a> and the '
        '<a href="/en/privacy/">privacy statement</a>. Questions? Send an e-mail to '
        f"{_mailto(DEMO_EMAIL)} (demo address).</p>"
    ),
]

_HOUSE_RULES_BODY: list[Block] = [
    _paragraph(
        "<p>Meet the Parents is een plek waar elke ouder zich veilig moet voelen. "
        "Deze afspraken gelden voor iedereen.</p>"
    ),
    _heading("Onze afspraken"),
    _paragraph(
        "<ul>"
        "<li><strong>Wees respectvol.</strong> Elke ouder doet het op zijn eigen manier. "
        "Je mag het oneens zijn, maar blijf vriendelijk. Geen scheldwoorden, "
        "geen pesten, geen discriminatie.</li>"
        "<li><strong>Deel geen persoonsgegevens.</strong> Schrijf geen namen, adressen, "
        "telefoonnummers of e-mailadressen in je berichten. Niet van jezelf en niet van "
        "anderen, ook niet van medewerkers.</li>"
        "<li><strong>Geen reclame.</strong> Je mag geen producten, diensten of "
        "websites aanprijzen.</li>"
        "<li><strong>Blijf bij het onderwerp.</strong> Antwoord op de vraag van het "
        "onderwerp. Zo blijven de gesprekken duidelijk voor iedereen.</li>"
        "</ul>"
    ),
    _heading("Wat doen moderatoren?"),
    _paragraph(
        "<p>Moderatoren lezen mee. Past een bericht niet bij de huisregels? Dan kunnen "
        "ze het verbergen. Je krijgt dan een bericht met de reden. "
        "Moderatoren passen nooit zelf de tekst van je bericht aan.</p>"
    ),
    _heading("Zie je een bericht dat niet klopt?"),
    _paragraph(
        "<p>Klik bij het bericht op <strong>Melden</strong> en kies een reden. "
        "Een moderator bekijkt je melding. De ouder die het bericht schreef, "
        "ziet niet wie het gemeld heeft.</p>"
    ),
    _heading("Wat als iemand de regels vaak overtreedt?"),
    _paragraph(
        "<p>Eerst krijg je een waarschuwing. Gaat het daarna nog een paar keer mis? "
        "Dan kan een moderator je account tijdelijk blokkeren. "
        "Bij ernstige of herhaalde overtredingen kunnen we je account sluiten.</p>"
    ),
]

_HOUSE_RULES_BODY_EN: list[Block] = [
    _paragraph(
        "<p>Meet the Parents is a place where every parent should feel safe. "
        "These rules apply to everyone.</p>"
    ),
    _heading("Our rules"),
    _paragraph(
        "<ul>"
        "<li><strong>Be respectful.</strong> Every parent does things in their own way. "
        "You may disagree, but stay friendly. No name-calling, "
        "no bullying, no discrimination.</li>"
        "<li><strong>Do not share personal data.</strong> Do not write names, addresses, "
        "phone numbers or e-mail addresses in your posts. Not your own and not those of "
        "others, also not those of staff members.</li>"
        "<li><strong>No advertising.</strong> You may not promote products, services or "
        "websites.</li>"
        "<li><strong>Stay on topic.</strong> Answer the question of the topic. "
        "This keeps the conversations clear for everyone.</li>"
        "</ul>"
    ),
    _heading("What do moderators do?"),
    _paragraph(
        "<p>Moderators read along. Does a post not follow the house rules? Then they "
        "can hide it. You then get a message with the reason. "
        "Moderators never change the text of your post themselves.</p>"
    ),
    _heading("Do you see a post that is not right?"),
    _paragraph(
        "<p>Click <strong>Report</strong> next to the post and choose a reason. "
        "A moderator looks at your report. The parent who wrote the post "
        "does not see who reported it.</p>"
    ),
    _heading("What if someone often breaks the rules?"),
    _paragraph(
        "<p>First you get a warning. Does it go wrong a few more times after that? "
        "Then a moderator can block your account for a while. "
        "For serious or repeated breaches we can close your account.</p>"
    ),
]

_PRIVACY_BODY: list[Block] = [
    _paragraph(
        "<p>Kind en Gezin is verantwoordelijk voor je gegevens op Meet the Parents "
        "(de <em>verwerkingsverantwoordelijke</em>). We gaan zorgvuldig om met je "
        "gegevens en volgen de AVG, de Europese privacywet.</p>"
    ),
    _heading("Welke gegevens gebruiken we, en waarom?"),
    _paragraph(
        "<ul>"
        "<li>je e-mailadres, om in te loggen en om je e-mails van ons te sturen;</li>"
        "<li>je schuilnaam;</li>"
        "<li>je onderzoeksprofiel, als je dat invult, bijvoorbeeld de leeftijd van je "
        "kind of je regio. Dat is niet verplicht;</li>"
        "<li>wat je schrijft: je antwoorden, reacties en meldingen.</li>"
        "</ul>"
        "<p>We gebruiken je gegevens voor onderzoek. Zo kunnen we de dienstverlening "
        "van Kind en Gezin verbeteren. We doen dat alleen met je toestemming. "
        "Die geef je als je je registreert. Je kunt je toestemming altijd intrekken.</p>"
    ),
    _heading("Wie ziet wat?"),
    _paragraph(
        "<ul>"
        "<li><strong>Andere ouders</strong> zien alleen je schuilnaam en wat je schrijft.</li>"
        "<li><strong>Onderzoekers en moderatoren</strong> van Kind en Gezin zien je "
        "bijdragen en je onderzoeksprofiel. Ze hebben die nodig voor het onderzoek en om "
        "de community veilig te houden.</li>"
        "<li><strong>In verslagen</strong> staan alleen anonieme resultaten. Cijfers over "
        "een groep tonen we pas als die groep minstens 5 mensen telt.</li>"
        "</ul>"
        "<p>We verkopen je gegevens nooit en we gebruiken ze niet voor reclame.</p>"
    ),
    _heading("Hoe lang bewaren we je gegevens?"),
    _paragraph(
        "<p>In deze demo geldt het volgende. Je accountgegevens bewaren we tot je je "
        "account verwijdert. Je bijdragen bewaren we daarna nog maximaal 5 jaar voor "
        "onderzoek, onder een schuilnaam en zonder je e-mailadres.</p>"
    ),
    _heading("Jouw rechten"),
    _paragraph(
        "<ul>"
        "<li>Je kunt je gegevens inkijken en downloaden.</li>"
        "<li>Je kunt foute gegevens laten verbeteren.</li>"
        "<li>Je kunt je account verwijderen.</li>"
        "<li>Je kunt je toestemming op elk moment intrekken.</li>"
        "<li>Ben je niet tevreden over hoe we met je gegevens omgaan? Dan kun je een klacht "
        "indienen bij de Vlaamse Toezichtcommissie.</li>"
        "</ul>"
        "<p>Vragen over je privacy? Mail naar "
        f"{_mailto(DEMO_PRIVACY_EMAIL)}. Dit is een demo-adres.</p>"
    ),
]

_PRIVACY_BODY_EN: list[Block] = [
    _paragraph(
        "<p>Kind en Gezin is responsible for your data on Meet the Parents "
        "(the <em>controller</em>). We handle your data with care "
        "and follow the GDPR, the European privacy law.</p>"
    ),
    _heading("Which data do we use, and why?"),
    _paragraph(
        "<ul>"
        "<li>your e-mail address, to log in and to send you e-mails from us;</li>"
        "<li>your pseudonym;</li>"
        "<li>your research profile, if you fill it in, for example the age of your "
        "child or your region. This is not required;</li>"
        "<li>what you write: your answers, replies and reports.</li>"
        "</ul>"
        "<p>We use your data for research. This way we can improve the services "
        "of Kind en Gezin. We only do this with your consent. "
        "You give it when you register. You can always withdraw your consent.</p>"
    ),
    _heading("Who sees what?"),
    _paragraph(
        "<ul>"
        "<li><strong>Other parents</strong> only see your pseudonym and what you write.</li>"
        "<li><strong>Researchers and moderators</strong> of Kind en Gezin see your "
        "posts and your research profile. They need these for the research and to "
        "keep the community safe.</li>"
        "<li><strong>Reports</strong> only show anonymous results. We only show figures "
        "about a group when that group has at least 5 people.</li>"
        "</ul>"
        "<p>We never sell your data and we do not use it for advertising.</p>"
    ),
    _heading("How long do we keep your data?"),
    _paragraph(
        "<p>In this demo, the following applies. We keep your account data until you "
        "delete your account. After that, we keep your posts for up to 5 years for "
        "research, under a pseudonym and without your e-mail address.</p>"
    ),
    _heading("Your rights"),
    _paragraph(
        "<ul>"
        "<li>You can view and download your data.</li>"
        "<li>You can have wrong data corrected.</li>"
        "<li>You can delete your account.</li>"
        "<li>You can withdraw your consent at any time.</li>"
        "<li>Are you not happy with how we handle your data? Then you can file a "
        "complaint with the Flemish supervisory authority "
        "(Vlaamse Toezichtcommissie).</li>"
        "</ul>"
        "<p>Questions about your privacy? Send an e-mail to "
        f"{_mailto(DEMO_PRIVACY_EMAIL)}. This is a demo address.</p>"
    ),
]

_ACCESSIBILITY_BODY: list[Block] = [
    _paragraph(
        "<p>We willen dat iedereen Meet the Parents kan gebruiken. Ook als je slecht ziet, "
        "geen muis gebruikt of niet zo vlot leest. We volgen daarvoor de richtlijnen "
        "WCAG 2.1, niveau AA.</p>"
    ),
    _heading("Wat doen we?"),
    _paragraph(
        "<ul>"
        "<li>Je kunt de hele website gebruiken met alleen het toetsenbord.</li>"
        "<li>De website werkt met een schermlezer.</li>"
        "<li>Tekst en achtergrond hebben genoeg contrast.</li>"
        "<li>De website werkt op een klein scherm, vanaf 320 pixels breed.</li>"
        "<li>We schrijven in duidelijke, eenvoudige taal.</li>"
        "</ul>"
    ),
    _heading("Wat werkt nog niet goed?"),
    _paragraph(
        "<p>In deze demo kennen we nog geen problemen op de website voor ouders. "
        "De beheeromgeving voor medewerkers is misschien minder goed toegankelijk.</p>"
    ),
    _heading("Loop je ergens tegenaan?"),
    _paragraph(
        "<p>Lukt iets niet of is iets moeilijk te gebruiken? Laat het ons weten via "
        f"{_mailto(DEMO_ACCESSIBILITY_EMAIL)} (demo-adres). "
        "Schrijf op welke pagina het was en wat er misliep. "
        "We antwoorden binnen 10 werkdagen.</p>"
    ),
]

_ACCESSIBILITY_BODY_EN: list[Block] = [
    _paragraph(
        "<p>We want everyone to be able to use Meet the Parents. Also if you do not see "
        "well, do not use a mouse or do not read easily. For this we follow the "
        "WCAG 2.1 guidelines, level AA.</p>"
    ),
    _heading("What do we do?"),
    _paragraph(
        "<ul>"
        "<li>You can use the whole website with only the keyboard.</li>"
        "<li>The website works with a screen reader.</li>"
        "<li>Text and background have enough contrast.</li>"
        "<li>The website works on a small screen, from 320 pixels wide.</li>"
        "<li>We write in clear, simple language.</li>"
        "</ul>"
    ),
    _heading("What does not work well yet?"),
    _paragraph(
        "<p>In this demo we do not know of any problems on the website for parents yet. "
        "The admin environment for staff may be less accessible.</p>"
    ),
    _heading("Is something not working for you?"),
    _paragraph(
        "<p>Does something not work or is it hard to use? Let us know via "
        f"{_mailto(DEMO_ACCESSIBILITY_EMAIL)} (demo address). "
        "Tell us which page it was and what went wrong. "
        "We answer within 10 working days.</p>"
    ),
]

STANDARD_PAGES: list[dict[str, Any]] = [
    {
        "slug": "over",
        "title": "Over Meet the Parents",
        "title_en": "About Meet the Parents",
        "show_in_menus": True,
        "role": None,
        "body": _ABOUT_BODY,
        "body_en": _ABOUT_BODY_EN,
    },
    {
        "slug": "huisregels",
        "title": "Huisregels",
        "title_en": "House rules",
        "show_in_menus": False,
        "role": "house_rules",
        "body": _HOUSE_RULES_BODY,
        "body_en": _HOUSE_RULES_BODY_EN,
    },
    {
        "slug": "privacy",
        "title": "Privacy",
        "title_en": "Privacy",
        "show_in_menus": False,
        "role": "privacy",
        "body": _PRIVACY_BODY,
        "body_en": _PRIVACY_BODY_EN,
    },
    {
        "slug": "toegankelijkheid",
        "title": "Toegankelijkheid",
        "title_en": "Accessibility",
        "show_in_menus": False,
        "role": "accessibility",
        "body": _ACCESSIBILITY_BODY,
        "body_en": _ACCESSIBILITY_BODY_EN,
    },
]


# ---------------------------------------------------------------------------
# Demo research project
# ---------------------------------------------------------------------------

DEMO_PROJECT: dict[str, Any] = {
    "slug": "eerste-weken-thuis",
    # Dates are days from the day of seeding, so the demo project is open on any date.
    "start_days": -7,
    "end_days": 60,
    "contact_name": "Onderzoeksteam Meet the Parents",
    "contact_email": DEMO_EMAIL,
    "title": "De eerste weken thuis met je baby",
    "title_en": "The first weeks at home with your baby",
    "summary": (
        "Hoe verliepen de eerste weken thuis met je pasgeboren baby? "
        "Vertel ons over die periode, het eerste huisbezoek en het consultatiebureau."
    ),
    "summary_en": (
        "How did the first weeks at home with your newborn baby go? "
        "Tell us about that time, the first home visit and the consultation office."
    ),
    "introduction": [
        _paragraph(
            "<p>De eerste weken met een baby zijn bijzonder. Ze zijn mooi, maar vaak ook "
            "zwaar. In dit project willen we weten hoe jij die periode beleefde, en hoe "
            "Kind en Gezin je daarbij hielp.</p>"
        ),
        _heading("Wat vragen we je?"),
        _paragraph(
            "<p>Het project heeft drie onderwerpen:</p>"
            "<ul>"
            "<li>de eerste weken thuis;</li>"
            "<li>het eerste huisbezoek van de verpleegkundige;</li>"
            "<li>je bezoek aan het consultatiebureau.</li>"
            "</ul>"
            "<p>Je mag antwoorden op één, twee of alle drie de onderwerpen. "
            "Een paar zinnen is genoeg. Er zijn geen goede of foute antwoorden.</p>"
        ),
        _heading("Wat gebeurt er met je antwoorden?"),
        _paragraph(
            "<p>Onderzoekers en moderatoren lezen alle bijdragen en zoeken wat vaak terugkomt. "
            "Daarna lees je onder <strong>Jullie zeiden, wij deden</strong> wat we "
            "ermee doen. Vermeld geen namen van medewerkers of van andere mensen.</p>"
        ),
    ],
    "introduction_en": [
        _paragraph(
            "<p>The first weeks with a baby are special. They are beautiful, but often also "
            "hard. In this project we want to know how you experienced that time, and how "
            "Kind en Gezin helped you.</p>"
        ),
        _heading("What do we ask you?"),
        _paragraph(
            "<p>The project has three topics:</p>"
            "<ul>"
            "<li>the first weeks at home;</li>"
            "<li>the first home visit by the nurse;</li>"
            "<li>your visit to the consultation office.</li>"
            "</ul>"
            "<p>You may answer one, two or all three topics. "
            "A few sentences is enough. There are no right or wrong answers.</p>"
        ),
        _heading("What happens with your answers?"),
        _paragraph(
            "<p>Researchers and moderators read all posts and look for what comes up often. "
            "After that, you can read under <strong>You said, we did</strong> what we do "
            "with it. Please do not mention names of staff members or other people.</p>"
        ),
    ],
    "topics": [
        {
            "slug": "de-eerste-weken",
            "response_mode": "open",
            "title": "De eerste weken thuis",
            "title_en": "The first weeks at home",
            "question": (
                "<p>Denk terug aan de eerste weken thuis met je baby. "
                "Wat ging er goed? Wat vond je moeilijk?</p>"
                "<p>Had je toen de informatie en hulp die je nodig had? "
                "Wat had je graag anders gezien?</p>"
            ),
            "question_en": (
                "<p>Think back to the first weeks at home with your baby. "
                "What went well? What did you find hard?</p>"
                "<p>Did you have the information and help you needed at that time? "
                "What would you have liked to be different?</p>"
            ),
        },
        {
            "slug": "het-eerste-huisbezoek",
            "response_mode": "answer_first",
            "title": "Het eerste huisbezoek",
            "title_en": "The first home visit",
            "question": (
                "<p>Na de geboorte komt een verpleegkundige van Kind en Gezin bij je thuis "
                "langs. Hoe heb je dat eerste huisbezoek ervaren?</p>"
                "<p>Kreeg je antwoord op je vragen? Was het moment goed gekozen? "
                "Wat zou het bezoek voor jou nog beter maken?</p>"
            ),
            "question_en": (
                "<p>After the birth, a nurse from Kind en Gezin comes to your home. "
                "How did you experience that first home visit?</p>"
                "<p>Did you get answers to your questions? Was the timing right? "
                "What would make the visit even better for you?</p>"
            ),
        },
        {
            "slug": "naar-het-consultatiebureau",
            "response_mode": "private",
            "title": "Naar het consultatiebureau",
            "title_en": "Going to the consultation office",
            "question": (
                "<p>Vertel over je bezoek aan het consultatiebureau. "
                "Hoe ging het maken van een afspraak? Moest je lang wachten?</p>"
                "<p>Hoe voelde je je in de wachtzaal, met je baby en eventueel andere "
                "kinderen? Wat kan er beter?</p>"
            ),
            "question_en": (
                "<p>Tell us about your visit to the consultation office. "
                "How did making an appointment go? Did you have to wait long?</p>"
                "<p>How did you feel in the waiting room, with your baby and maybe other "
                "children? What could be better?</p>"
            ),
        },
    ],
}


# ---------------------------------------------------------------------------
# A second project, only for the demo segment "Jonge gezinnen in Antwerpen"
# ---------------------------------------------------------------------------

SEGMENT_PROJECT: dict[str, Any] = {
    "slug": "slapen-in-het-eerste-jaar",
    "segment": "Jonge gezinnen in Antwerpen",
    "start_days": -3,
    "end_days": 45,
    "contact_name": "Onderzoeksteam Meet the Parents",
    "contact_email": DEMO_EMAIL,
    "title": "Slapen in het eerste jaar",
    "title_en": "Sleep in the first year",
    "summary": (
        "Voor ouders met een baby in de provincie Antwerpen: hoe slaapt je kind, "
        "en welke raad over slapen helpt je echt?"
    ),
    "summary_en": (
        "For parents with a baby in the province of Antwerp: how does your child sleep, "
        "and which advice about sleep really helps you?"
    ),
    "introduction": [
        _paragraph(
            "<p>Slapen is een van de grootste zorgen in het eerste jaar. In dit project "
            "vragen we ouders met een jonge baby in de provincie Antwerpen naar hun ervaring. "
            "Je stem in de peiling en je verhaal helpen ons om betere raad te geven.</p>"
        ),
    ],
    "introduction_en": [
        _paragraph(
            "<p>Sleep is one of the biggest worries in the first year. In this project we ask "
            "parents with a young baby in the province of Antwerp about their experience. "
            "Your vote in the poll and your story help us give better advice.</p>"
        ),
    ],
    "topics": [
        {
            "slug": "waar-slaapt-je-baby",
            "response_mode": "poll",
            "poll_multiple": False,
            "poll_comment": True,
            "title": "Waar slaapt je baby?",
            "title_en": "Where does your baby sleep?",
            "question": "<p>Waar slaapt je baby 's nachts meestal?</p>",
            "question_en": "<p>Where does your baby usually sleep at night?</p>",
            "options": [
                ("In een eigen bedje op onze kamer", "In a cot in our room"),
                ("In een eigen kamer", "In a room of its own"),
                ("Bij ons in bed", "In our bed"),
                ("Het wisselt", "It changes"),
            ],
        },
        {
            "slug": "raad-over-slapen",
            "response_mode": "open",
            "title": "Welke raad over slapen hielp je?",
            "title_en": "Which advice about sleep helped you?",
            "question": (
                "<p>Welke raad over slapen kreeg je van Kind en Gezin of van anderen? "
                "Wat hielp, en wat niet?</p>"
            ),
            "question_en": (
                "<p>Which advice about sleep did you get from Kind en Gezin or from others? "
                "What helped, and what did not?</p>"
            ),
        },
    ],
}


# ---------------------------------------------------------------------------
# A real discussion in the first topic, and votes in the poll (seed_demo)
# ---------------------------------------------------------------------------

# Posts in "De eerste weken thuis": (author's e-mail, text, replies as (e-mail, text)).
# Parents write in their own words; insights' demo content codes some of these passages.
DISCUSSION: dict[str, Any] = {
    "project": "eerste-weken-thuis",
    "topic": "de-eerste-weken",
    "posts": [
        (
            "ouder1@example.org",
            "De eerste nachten waren zwaar. Ik had veel vragen over voeding, maar 's nachts "
            "kon ik niemand bellen. Ik zocht alles op internet en werd daar alleen maar "
            "onzeker van.",
            [
                (
                    "ouder3@example.org",
                    "Herkenbaar! Om drie uur 's nachts lijkt elke vraag groot. Een nummer dat "
                    "je 's avonds kunt bellen, zou echt helpen.",
                ),
                (
                    "ouder5@example.org",
                    "Ik had hetzelfde. Uiteindelijk vond ik de antwoorden in de brochure, maar "
                    "die lag nog in de doos van het ziekenhuis.",
                ),
            ],
        ),
        (
            "ouder2@example.org",
            "Als papa voelde ik me soms een bezoeker. De verpleegkundige sprak vooral met mijn "
            "partner. Ik had graag ook zelf vragen gesteld.",
            [
                (
                    "ouder4@example.org",
                    "Bij ons vroeg de verpleegkundige net wel naar mij. Dat deed deugd. Het kan "
                    "dus!",
                ),
            ],
        ),
        (
            "ouder3@example.org",
            "Ik kreeg zoveel papieren mee dat ik door de bomen het bos niet meer zag. Eén korte "
            "lijst met wat belangrijk is in de eerste week, zou veel helpen.",
            [
                (
                    "ouder6@example.org",
                    "Ja, een lijstje op de koelkast! Met wanneer je moet bellen en naar wie.",
                ),
            ],
        ),
        (
            "ouder4@example.org",
            "Met een tweeling was het eerste huisbezoek te kort. We hadden een lijst met "
            "vragen en kwamen maar aan de helft toe.",
            [],
        ),
        (
            "ouder5@example.org",
            "De K&G-Lijn was heel vriendelijk, maar 's avonds is ze gesloten. Net dan huilde "
            "mijn baby het meest en had ik de meeste vragen.",
            [
                ("ouder1@example.org", "Precies dat. 's Avonds is het moment waarop je twijfelt."),
            ],
        ),
        (
            "ouder6@example.org",
            "Ik spreek thuis Arabisch. De uitleg in het Nederlands was soms moeilijk. Een "
            "filmpje of tekeningen zouden helpen.",
            [
                (
                    "ouder7@example.org",
                    "Goed idee. Ook voor pleegouders die plots een baby krijgen, is een "
                    "eenvoudig overzicht handig.",
                ),
            ],
        ),
        (
            "ouder7@example.org",
            "Als pleegouder kreeg ik onze baby op drie dagen tijd. Ik wist niet dat ik ook "
            "recht had op een huisbezoek. En 's avonds wist ik niet wie ik kon bellen met "
            "mijn vragen.",
            [],
        ),
        (
            "ouder1@example.org",
            "Wat goed ging: de verpleegkundige nam echt de tijd en luisterde. Ik voelde me "
            "niet beoordeeld.",
            [],
        ),
        (
            "ouder3@example.org",
            "Na de tweede week zakte de stress, omdat ik wist dat ik met vragen terecht kon "
            "op het consultatiebureau. Maar die eerste avonden alleen waren het moeilijkst.",
            [
                (
                    "ouder5@example.org",
                    "Dat gevoel van alleen zijn 's avonds ken ik ook. Het helpt al te weten dat "
                    "anderen het ook zo hebben.",
                ),
            ],
        ),
        (
            "ouder6@example.org",
            "Ik had graag een plek gehad waar ik 's avonds kort een vraag kon stellen, "
            "bijvoorbeeld via een chat. Bellen durf ik niet altijd met een slapende baby "
            "naast me.",
            [],
        ),
    ],
}

# The first home visit (answer first): parents read the others once they answered, so only
# parents who answered reply here.
HOME_VISIT: dict[str, Any] = {
    "project": "eerste-weken-thuis",
    "topic": "het-eerste-huisbezoek",
    "posts": [
        (
            "ouder2@example.org",
            "Bij ons tweede kind wisten we al veel, maar de verpleegkundige vroeg ook hoe het "
            "met onze oudste ging. Daar had ik zelf niet aan gedacht. Het deed deugd dat "
            "iemand dat vroeg.",
            [
                (
                    "ouder7@example.org",
                    "Mooi dat ze ook aan de grote broer of zus denken. Bij ons was dat ook zo.",
                ),
            ],
        ),
        (
            "ouder4@example.org",
            "Het bezoek kwam op dag vijf, net toen we allebei op waren. Achteraf was het "
            "perfect: ze zag meteen dat het drinken bij een van de twee niet goed liep.",
            [
                (
                    "ouder1@example.org",
                    "Goed dat ze dat zo snel zag. Bij ons duurde het weken voor iemand merkte "
                    "dat ze te weinig dronk.",
                ),
            ],
        ),
        (
            "ouder7@example.org",
            "Pas toen ik zelf belde, kwam er een afspraak. Maar het bezoek zelf was heel warm. "
            "Ze legde uit wat er voor een pleeggezin anders is.",
            [],
        ),
        (
            "ouder5@example.org",
            "Ze woog de baby, keek naar de navel en gaf tips over slapen op de rug. Alles heel "
            "rustig uitgelegd. Ik mis alleen iets op papier om later nog eens na te lezen.",
            [],
        ),
        (
            "ouder1@example.org",
            "Ik vond het spannend, alsof ik een examen moest afleggen. Ze zei al snel dat er "
            "geen foute antwoorden zijn. Ik had wel graag vooraf geweten hoe lang het duurt.",
            [
                (
                    "ouder5@example.org",
                    "Hetzelfde gevoel hier. Ik had zelfs de hele living opgeruimd.",
                ),
                (
                    "ouder2@example.org",
                    "Een berichtje vooraf met wat ze komen doen, zou al veel rust geven.",
                ),
            ],
        ),
        (
            "ouder6@example.org",
            "De verpleegkundige sprak rustig en vroeg telkens of ik alles begreep. Ze toonde "
            "ook tekeningen op haar tablet. Dat hielp mij meer dan de brochure.",
            [
                (
                    "ouder2@example.org",
                    "Fijn om te lezen. Tekeningen zijn voor iedereen duidelijker, denk ik.",
                ),
            ],
        ),
    ],
}

# The consultation office (private: a diary, only the author and staff read it). A reply by a
# member of staff is a follow-up question.
CONSULTATION_DIARY: dict[str, Any] = {
    "project": "eerste-weken-thuis",
    "topic": "naar-het-consultatiebureau",
    "posts": [
        (
            "ouder3@example.org",
            "Vandaag voor het eerst naar het consultatiebureau. De afspraak maken via de "
            "website ging vlot. We wachtten twintig minuten, met één verzorgingstafel voor "
            "drie baby's.",
            [
                (
                    "onderzoeker@example.org",
                    "Dank je voor je verslag. Wat had het wachten voor jou makkelijker gemaakt?",
                ),
            ],
        ),
        (
            "ouder6@example.org",
            "De wachtzaal was warm en vol. Mijn oudste verveelde zich. Een hoekje met speelgoed "
            "of boekjes zou veel helpen.",
            [],
        ),
        (
            "ouder2@example.org",
            "Ik kon alleen op dinsdagvoormiddag. Dat betekende telkens een halve dag verlof. "
            "Een moment na de werkuren zou voor werkende ouders een groot verschil maken.",
            [],
        ),
    ],
}

# Sleep advice, in the segment's project: every author is in "Jonge gezinnen in Antwerpen".
SLEEP_ADVICE: dict[str, Any] = {
    "project": "slapen-in-het-eerste-jaar",
    "topic": "raad-over-slapen",
    "posts": [
        (
            "ouder3@example.org",
            "Het advies om elke avond hetzelfde ritueel te doen, werkte bij ons echt. Badje, "
            "flesje, liedje en dan in bed. Na twee weken viel ze veel rustiger in slaap.",
            [
                (
                    "ouder5@example.org",
                    "Wij doen ook een badje 's avonds. Ze wordt er eerst wakker van, maar "
                    "daarna slaapt ze beter.",
                ),
            ],
        ),
        (
            "ouder4@example.org",
            "Iedereen heeft een mening over slapen: de grootouders, de buren, het internet. De "
            "raad van het consultatiebureau was de enige die rekening hield met twee baby's.",
            [
                (
                    "ouder6@example.org",
                    "Die grootouders! Volgens de mijne moest de baby op de buik slapen. Gelukkig "
                    "wist ik van het consultatiebureau dat dat niet veilig is.",
                ),
            ],
        ),
        (
            "ouder6@example.org",
            "Wat niet hielp: 'laat haar maar wat huilen'. Dat lukte mij gewoon niet. Wat wel "
            "hielp: een verpleegkundige die zei dat elk kind anders is en dat ik niets fout "
            "deed.",
            [
                (
                    "ouder1@example.org",
                    "Dat laatste zou elke ouder eens moeten horen. Dank je om dit te delen.",
                ),
            ],
        ),
        (
            "ouder1@example.org",
            "Ik kreeg een folder over veilig slapen, maar niemand vertelde wat je doet als je "
            "baby alleen op je arm in slaap valt. Dat was net mijn grootste vraag.",
            [
                (
                    "ouder4@example.org",
                    "Dat herken ik. Wij kochten toen een draagdoek. Overdag maakte dat het een "
                    "stuk makkelijker.",
                ),
            ],
        ),
        (
            "ouder5@example.org",
            "Mijn baby is pas een maand oud. Ik lees hier vooral mee en pik tips op. Fijn om te "
            "zien dat jullie het ook niet altijd weten.",
            [],
        ),
    ],
}

# Every discussion the demo seeds, in this order; a topic that has posts is left alone.
DISCUSSIONS: list[dict[str, Any]] = [DISCUSSION, HOME_VISIT, CONSULTATION_DIARY, SLEEP_ADVICE]

# "Herkenbaar" from demo parents: (project, topic, [(e-mail, the start of the post), …]).
# In an answer-first topic only parents who answered react.
REACTIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "eerste-weken-thuis",
        "de-eerste-weken",
        [
            ("ouder2@example.org", "De eerste nachten waren zwaar."),
            ("ouder4@example.org", "De eerste nachten waren zwaar."),
            ("ouder6@example.org", "De eerste nachten waren zwaar."),
            ("ouder7@example.org", "De eerste nachten waren zwaar."),
            ("ouder1@example.org", "De K&G-Lijn was heel vriendelijk"),
            ("ouder3@example.org", "De K&G-Lijn was heel vriendelijk"),
            ("ouder6@example.org", "De K&G-Lijn was heel vriendelijk"),
            ("ouder1@example.org", "Ik kreeg zoveel papieren mee"),
            ("ouder5@example.org", "Ik kreeg zoveel papieren mee"),
            ("ouder7@example.org", "Ik kreeg zoveel papieren mee"),
            ("ouder3@example.org", "Als papa voelde ik me"),
            ("ouder4@example.org", "Als papa voelde ik me"),
            ("ouder1@example.org", "Ik had graag een plek gehad"),
            ("ouder5@example.org", "Ik had graag een plek gehad"),
            ("ouder7@example.org", "Herkenbaar! Om drie uur"),
            ("ouder2@example.org", "Wat goed ging:"),
            ("ouder4@example.org", "Wat goed ging:"),
        ],
    ),
    (
        "eerste-weken-thuis",
        "het-eerste-huisbezoek",
        [
            ("ouder5@example.org", "Ik vond het spannend"),
            ("ouder6@example.org", "Ik vond het spannend"),
            ("ouder7@example.org", "Ik vond het spannend"),
            ("ouder1@example.org", "Het bezoek kwam op dag vijf"),
            ("ouder2@example.org", "Het bezoek kwam op dag vijf"),
        ],
    ),
    (
        "slapen-in-het-eerste-jaar",
        "raad-over-slapen",
        [
            ("ouder1@example.org", "Wat niet hielp:"),
            ("ouder3@example.org", "Wat niet hielp:"),
            ("ouder4@example.org", "Wat niet hielp:"),
            ("ouder5@example.org", "Wat niet hielp:"),
            ("ouder3@example.org", "Iedereen heeft een mening"),
            ("ouder6@example.org", "Iedereen heeft een mening"),
            ("ouder4@example.org", "Het advies om elke avond"),
            ("ouder5@example.org", "Het advies om elke avond"),
        ],
    ),
    (
        "slapen-in-het-eerste-jaar",
        "waar-slaapt-je-baby",
        [
            ("ouder1@example.org", "In een bedje naast ons bed."),
            ("ouder5@example.org", "In een bedje naast ons bed."),
            ("ouder6@example.org", "Met een tweeling wisselt"),
        ],
    ),
]

# Votes in the segment's poll "Waar slaapt je baby?": (e-mail, option number, comment).
# Every voter is in the segment "Jonge gezinnen in Antwerpen" (their demo profile).
POLL_VOTES: dict[str, Any] = {
    "project": "slapen-in-het-eerste-jaar",
    "topic": "waar-slaapt-je-baby",
    "votes": [
        ("ouder1@example.org", 0, ""),
        ("ouder3@example.org", 0, "In een bedje naast ons bed. Zo hoor ik haar meteen."),
        ("ouder4@example.org", 3, "Met een tweeling wisselt het elke nacht."),
        ("ouder5@example.org", 0, ""),
        ("ouder6@example.org", 1, ""),
    ],
}
