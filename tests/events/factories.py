import factory
from django.utils import timezone

from events.models import Event, EventType
from tests.factories import CompanyFactory, UserFactory


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"type-{n}")
    name_en = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    kind = "call"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    company = factory.SubFactory(CompanyFactory)
    type = factory.SubFactory(EventTypeFactory)
    owner = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Event {n}")
    starts_at = factory.LazyFunction(timezone.now)
