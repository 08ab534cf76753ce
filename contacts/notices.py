"""The GDPR notice (Article 14: data not obtained from the person): who the controller is, where the
data came from, why it is kept, the person's rights and the supervisory authority to complain to.

The text is the company's template, else the group-wide one, else the built-in text below, written in
Hungarian, Bulgarian and English (notice content, not interface strings). Every template gets the
controller block, the authority of the company's country, the source of the data and a greeting in the
language's name order ("Tisztelt Kovács Anna!", "Dear Anna Kovács,").

The privacy contact and e-mail are the company's own settings, never the address notices are sent
from; without them the notice asks people to write to the registered seat, and the admin lists the
companies whose details are missing (`controller_gaps`).
"""

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from companies.models import Company
from contacts.models import Contact, GdprNotice, GdprNoticeTemplate

LANGUAGES = ("hu", "bg", "en")


def language_of(language: str | None) -> str:
    code = (language or "").lower()[:2]
    return code if code in LANGUAGES else "en"


# The supervisory authority of each company country, as each language names it.
AUTHORITIES: dict[str, dict[str, str]] = {
    "HU": {
        "hu": "Nemzeti Adatvédelmi és Információszabadság Hatóság (NAIH)\n"
        "1055 Budapest, Falk Miksa utca 9-11.\nwww.naih.hu",
        "bg": "Национален орган за защита на данните и свобода на информацията на Унгария (NAIH)\n"
        "1055 Будапеща, ул. „Фалк Микша“ 9-11, Унгария\nwww.naih.hu",
        "en": "Hungarian National Authority for Data Protection and Freedom of Information (NAIH)\n"
        "Falk Miksa utca 9-11, 1055 Budapest, Hungary\nwww.naih.hu",
    },
    "BG": {
        "hu": "Személyes Adatok Védelmének Bizottsága (Bulgária, КЗЛД)\n"
        "1592 Szófia, Prof. Cvetan Lazarov sugárút 2., Bulgária\nwww.cpdp.bg",
        "bg": "Комисия за защита на личните данни (КЗЛД)\n"
        "гр. София 1592, бул. „Проф. Цветан Лазаров“ № 2\nwww.cpdp.bg",
        "en": "Commission for Personal Data Protection (CPDP)\n"
        "2 Prof. Tsvetan Lazarov Blvd., 1592 Sofia, Bulgaria\nwww.cpdp.bg",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "hu": {
        "seat": "Székhely",
        "registration": "Cégjegyzékszám",
        "tax": "Adószám",
        "privacy": "Adatvédelmi kapcsolattartó",
        "email": "E-mail",
        "by_post": "postai úton, székhelyünkre címezve ({seat})",
        "source_erp": "vállalatirányítási (ERP) rendszerünk, amelyben a(z) {partner} üzleti partnerünkként "
        "szerepel; adatait üzleti kapcsolatunk során a(z) {partner} adta meg.",
        "source_partner": "a(z) {partner} mint üzleti partnerünk, amely Önt kapcsolattartóként megnevezte; "
        "adatait üzleti kapcsolatunk során rögzítettük.",
    },
    "bg": {
        "seat": "Седалище и адрес на управление",
        "registration": "ЕИК/рег. №",
        "tax": "ДДС №/данъчен №",
        "privacy": "Лице за контакт по защита на данните",
        "email": "Имейл",
        "by_post": "по пощата на адреса на седалището ни ({seat})",
        "source_erp": "нашата ERP система, в която {partner} е вписан като наш търговски партньор; данните "
        "са ни предоставени от {partner} в хода на търговските ни отношения.",
        "source_partner": "нашият търговски партньор {partner}, който Ви е посочил като лице за контакт; "
        "данните са записани в хода на търговските ни отношения.",
    },
    "en": {
        "seat": "Registered seat",
        "registration": "Registration number",
        "tax": "Tax number",
        "privacy": "Privacy contact",
        "email": "E-mail",
        "by_post": "by post to our registered seat ({seat})",
        "source_erp": "our enterprise resource planning (ERP) system, where {partner} is recorded as our "
        "business partner; {partner} gave us your details in the course of our business relationship.",
        "source_partner": "our business partner {partner}, who named you as a contact person; we recorded "
        "your details in the course of our business relationship.",
    },
}


def full_name(contact: Contact | None, language: str) -> str:
    """The name in the language's order: family name first in Hungarian, given name first otherwise."""
    if contact is None:
        return ""
    parts = (contact.last_name, contact.first_name)
    if language_of(language) != "hu":
        parts = parts[::-1]
    return " ".join(part for part in parts if part)


def greeting(contact: Contact | None, language: str) -> str:
    name = full_name(contact, language)
    language = language_of(language)
    if language == "hu":
        return f"Tisztelt {name}!" if name else "Tisztelt Hölgyem/Uram!"
    if language == "bg":
        return f"Уважаеми/а {name}," if name else "Уважаеми госпожи и господа,"
    return f"Dear {name}," if name else "Dear Sir or Madam,"


def controller_gaps(company: Company) -> list[str]:
    """The controller details a notice should print and the company has not filled in (field labels)."""
    fields = ("registered_seat", "registration_number", "tax_number", "privacy_contact", "privacy_email")
    return [str(Company._meta.get_field(name).verbose_name) for name in fields if not getattr(company, name)]


def _privacy_channel(company: Company, language: str) -> str:
    """Where people write about their data: the privacy contact and e-mail, else the seat by post."""
    labels = LABELS[language_of(language)]
    who = ", ".join(part for part in (company.privacy_contact, company.privacy_email) if part)
    if company.privacy_email:
        return who
    seat = company.registered_seat or company.name
    by_post = labels["by_post"].format(seat=seat)
    return f"{company.privacy_contact}, {by_post}" if company.privacy_contact else by_post


def controller_block(company: Company, language: str) -> str:
    labels = LABELS[language_of(language)]
    lines = [company.name]
    for key, value in (
        ("seat", company.registered_seat),
        ("registration", company.registration_number),
        ("tax", company.tax_number),
        ("privacy", company.privacy_contact),
        ("email", company.privacy_email),
    ):
        if value:
            lines.append(f"{labels[key]}: {value}")
    return "\n".join(lines)


def authority(company: Company, language: str) -> str:
    """The supervisory authority of the company's country (Hungary's NAIH, Bulgaria's КЗЛД)."""
    by_language = AUTHORITIES.get(company.country) or AUTHORITIES["HU"]
    return by_language[language_of(language)]


def data_source(contact: Contact | None, language: str) -> str:
    """Where the controller got the data: the ERP import, or the partner in the business relationship."""
    labels = LABELS[language_of(language)]
    partner = contact.partner.name if contact else ""
    key = "source_erp" if contact is not None and contact.erp_id else "source_partner"
    return labels[key].format(partner=partner)


BUILTIN: dict[str, tuple[str, str]] = {
    "hu": (
        "Adatkezelési tájékoztató – {{ company_name }}",
        """{{ greeting }}

Tájékoztatjuk, hogy a(z) {{ company_name }} a(z) {{ partner_name }} kapcsolattartójaként nyilvántartja \
az Ön nevét és üzleti elérhetőségeit. Az alábbiakban az általános adatvédelmi rendelet (GDPR) 14. cikke \
szerint tájékoztatjuk adatai kezeléséről.

Adatkezelő:
{{ controller }}

Az adatok forrása: {{ source }}

A kezelt adatok: név, beosztás, üzleti e-mail-cím és telefonszám, valamint az Önnel folytatott levelezés.

Az adatkezelés célja és jogalapja: kapcsolattartás a(z) {{ partner_name }} partnerünkkel ajánlatok, \
megrendelések, szállítások, számlák és fizetések ügyében; jogalapja az üzleti kapcsolat fenntartásához \
fűződő jogos érdekünk (GDPR 6. cikk (1) bekezdés f) pont).

Címzettek: a(z) {{ partner_name }} ügyeit intéző munkatársaink, valamint adatfeldolgozóként informatikai \
szolgáltatóink. Adatait az Európai Unión kívülre nem továbbítjuk.

Megőrzési idő: az üzleti kapcsolat fennállása alatt és megszűnését követően 5 évig, illetve ha \
jogszabály (például a számviteli törvény) hosszabb időt ír elő, addig.

Az Ön jogai: kérheti az adataihoz való hozzáférést, azok helyesbítését, törlését vagy kezelésének \
korlátozását, és tiltakozhat az adatkezelés ellen. Kérelmét ide küldheti: {{ privacy_contact_line }}.

Ha úgy véli, hogy adatait jogellenesen kezeljük, panaszt tehet a felügyeleti hatóságnál:
{{ authority }}
vagy a lakóhelye, illetve munkahelye szerinti uniós tagállam adatvédelmi hatóságánál, és bírósághoz is \
fordulhat.

Üdvözlettel:
{{ company_name }}
""",
    ),
    "bg": (
        "Информация за обработването на личните Ви данни – {{ company_name }}",
        """{{ greeting }}

{{ company_name }} съхранява Вашето име и служебни данни за контакт като лице за контакт на \
{{ partner_name }}. С настоящото Ви информираме как обработваме тези данни съгласно чл. 14 от Общия \
регламент относно защитата на данните (GDPR).

Администратор на лични данни:
{{ controller }}

Източник на данните: {{ source }}

Обработвани данни: име, длъжност, служебен имейл адрес и телефон, както и кореспонденцията ни с Вас.

Цел и правно основание: поддържане на връзка с {{ partner_name }} относно оферти, поръчки, доставки, \
фактури и плащания; основанието е легитимният ни интерес от поддържане на търговските отношения \
(чл. 6, пар. 1, буква „е“ от GDPR).

Получатели: нашите служители, които работят с {{ partner_name }}, и доставчиците ни на ИТ услуги в \
качеството им на обработващи лични данни. Не предаваме данните Ви извън Европейския съюз.

Срок на съхранение: докато траят търговските отношения и 5 години след прекратяването им или по-дълго, \
ако законът (например Законът за счетоводството) го изисква.

Вашите права: можете да поискате достъп до данните си, тяхното коригиране или изтриване, ограничаване \
на обработването им, както и да възразите срещу обработването. Пишете ни: {{ privacy_contact_line }}.

Ако смятате, че обработваме данните Ви незаконосъобразно, можете да подадете жалба до надзорния орган:
{{ authority }}
или до органа за защита на данните в държавата от ЕС, в която живеете или работите, както и да се \
обърнете към съда.

С уважение,
{{ company_name }}
""",
    ),
    "en": (
        "How {{ company_name }} handles your personal data",
        """{{ greeting }}

{{ company_name }} has recorded your name and business contact details as a contact person of \
{{ partner_name }}. This notice tells you how we handle them, as Article 14 of the General Data \
Protection Regulation (GDPR) requires.

Data controller:
{{ controller }}

Source of the data: {{ source }}

Data we hold: your name, position, business e-mail address and phone numbers, and our correspondence \
with you.

Purpose and legal basis: keeping in touch with {{ partner_name }} about offers, orders, deliveries, \
invoices and payments; our legitimate interest in running the business relationship (GDPR \
Article 6(1)(f)).

Recipients: our staff who deal with {{ partner_name }}, and our IT service providers, who process the \
data on our behalf. We do not transfer your data outside the European Union.

Retention: while the business relationship lasts and for 5 years after it ends, or longer where the \
law (for example accounting law) requires.

Your rights: you may ask for access to, correction or erasure of your data, restrict or object to its \
processing. Write to: {{ privacy_contact_line }}.

If you think we handle your data unlawfully, you may complain to the supervisory authority:
{{ authority }}
or to the data protection authority of the EU country where you live or work, and you may go to court.

Kind regards,
{{ company_name }}
""",
    ),
}


def builtin_template(language: str | None = None) -> tuple[str, str]:
    """The built-in (subject, body) in `language` (default: the active language)."""
    return BUILTIN[language_of(language or translation.get_language())]


def notice_context(company: Company, contact: Contact | None, language: str) -> dict[str, str]:
    """What a notice template may print; the blocks are laid out in `language`."""
    return {
        "greeting": greeting(contact, language),
        "contact_name": full_name(contact, language),
        "company_name": company.name,
        "company_address": company.registered_seat or company.get_country_display(),
        "registered_seat": company.registered_seat,
        "registration_number": company.registration_number,
        "tax_number": company.tax_number,
        "privacy_contact": company.privacy_contact,
        "privacy_email": company.privacy_email,
        "privacy_contact_line": _privacy_channel(company, language),
        "controller": controller_block(company, language),
        "authority": authority(company, language),
        "source": data_source(contact, language),
        "partner_name": contact.partner.name if contact else "",
    }


def render_notice(notice: GdprNotice) -> tuple[str, str]:
    template = (
        GdprNoticeTemplate.objects.filter(company=notice.company, language=notice.language).first()
        or GdprNoticeTemplate.objects.filter(company__isnull=True, language=notice.language).first()
    )
    with translation.override(language_of(notice.language)):
        subject_text, body_text = (
            (template.subject, template.body) if template else builtin_template(notice.language)
        )
        context = Context(notice_context(notice.company, notice.contact, notice.language), autoescape=False)
        return (
            Template(subject_text).render(context).strip().replace("\n", " "),
            Template(body_text).render(context),
        )


def notice_message_id(notice: GdprNotice) -> str:
    """A stable Message-ID (and idempotency key): a resend after a crash carries the same id."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "crm.local"
    return f"<gdpr-{notice.company_id}-{notice.pk}@{domain}>"
