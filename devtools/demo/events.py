"""Demo event types (with follow-up chains and the finance-only types) and events. Idempotent."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from companies.models import Company, User
from events.models import Event, EventType
from partners.models import Partner

# code, en, hu, bg, kind, place, duration, reminder, finance only
TYPES = [
    ("phone-call", "Phone call", "Telefonhívás", "Телефонно обаждане", "call", False, False, 10, False),
    ("meeting", "Meeting", "Személyes találkozó", "Среща", "meeting", True, True, 60, False),
    ("reminder", "Reminder", "Emlékeztető", "Напомняне", "reminder", False, False, 0, False),
    ("offer", "Offer", "Ajánlat", "Оферта", "other", False, False, None, False),
    (
        "collection-call",
        "Collection call",
        "Behajtási hívás",
        "Обаждане за събиране",
        "call",
        False,
        False,
        10,
        True,
    ),
    (
        "promise-to-pay",
        "Promise to pay",
        "Fizetési ígéret",
        "Обещание за плащане",
        "other",
        False,
        False,
        None,
        True,
    ),
]
# The calendar's colours (EventType.colour).
COLOURS = {
    "phone-call": "#1d4ed8",
    "meeting": "#15803d",
    "reminder": "#b45309",
    "offer": "#6d28d9",
    "collection-call": "#b91c1c",
    "promise-to-pay": "#0f766e",
}
FOLLOW_UPS = {
    "phone-call": ["reminder", "meeting", "phone-call", "offer"],
    "meeting": ["phone-call", "offer", "reminder", "meeting"],
    "offer": ["phone-call", "meeting", "reminder"],
    "reminder": ["phone-call", "meeting"],
    "collection-call": ["promise-to-pay", "collection-call", "reminder"],
    "promise-to-pay": ["collection-call"],
}


def seed(companies: dict[str, Company]) -> None:
    finance = Group.objects.get(name="Finance")
    types = {}
    for index, (code, en, hu, bg, kind, place, duration, reminder, finance_only) in enumerate(TYPES):
        types[code], _ = EventType.objects.update_or_create(
            code=code,
            defaults={
                "name_en": en, "name_hu": hu, "name_bg": bg, "kind": kind, "has_place": place,
                "has_duration": duration, "default_reminder_minutes": reminder, "sort_order": index,
                "colour": COLOURS[code],
            },
        )  # fmt: skip
        types[code].allowed_groups.set([finance] if finance_only else [])
    for code, follow_codes in FOLLOW_UPS.items():
        types[code].follow_up_types.set([types[c] for c in follow_codes])

    alfa = companies["alfa"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    sales1, sales2 = User.objects.get(username="sales1"), User.objects.get(username="sales2")
    # subject, type, owner, partner, start offset (days), hours
    events = [
        ("Éves szerződés-felülvizsgálat", "meeting", sales1, "Duna Gépgyártó Zrt.", 2, 10),
        ("Alkatrész-ajánlat utánkövetése", "phone-call", sales1, "Duna Gépgyártó Zrt.", 0, 2),
        ("Raktárlátogatás", "meeting", sales2, "Tisza Logisztika Kft.", 5, 9),
        ("Árlista elküldve", "offer", sales2, "Alföldi Agrár Kft.", -3, 0),
    ]
    for subject, code, owner, partner_name, days, hours in events:
        starts_at = now + timedelta(days=days, hours=hours)
        Event.objects.get_or_create(
            company=alfa,
            subject=subject,
            defaults={
                "type": types[code], "owner": owner, "partner": Partner.objects.get(name=partner_name),
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=1) if types[code].has_duration else None,
                "location": "1138 Budapest, Váci út 12." if types[code].has_place else "",
                "reminder_minutes": types[code].default_reminder_minutes,
                "created_by": owner,
            },
        )  # fmt: skip
