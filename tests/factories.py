"""Factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group, Permission

from companies.models import Company, Department, Membership, SupervisorEdge, User
from contacts.models import Contact, ContactType
from partners.models import Partner, PartnerAccount, PartnerAddress

PASSWORD = "test-Pass-2026"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n} Kft.")
    code = factory.Sequence(lambda n: f"company-{n}")
    country = "HU"
    language = "hu"
    currency = "HUF"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


def group_with(*codes: str, name: str | None = None) -> Group:
    """A permission group allowing exactly `codes` ("app_label.codename")."""
    group = Group.objects.create(name=name or f"group {Group.objects.count()}: " + " ".join(codes)[:100])
    for code in codes:
        app_label, codename = code.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def member(company: Company, *codes: str, user: User | None = None, groups=(), **user_fields) -> User:
    """A user who is a member of `company` with a group allowing `codes`."""
    user = user or UserFactory(**user_fields)
    membership = Membership.objects.create(user=user, company=company)
    all_groups = list(groups)
    if codes:
        all_groups.append(group_with(*codes))
    membership.groups.set(all_groups)
    return user


def supervise(company: Company, supervisor: User, subordinate: User) -> SupervisorEdge:
    return SupervisorEdge.objects.create(company=company, supervisor=supervisor, subordinate=subordinate)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n:04d} Kft.")


class PartnerAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAddress

    partner = factory.SubFactory(PartnerFactory)
    kind = "seat"
    city = "Budapest"
    street = "Fő utca 1."


class PartnerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAccount

    company = factory.SubFactory(CompanyFactory)
    partner = factory.SubFactory(PartnerFactory)
    owner = None
    status = "active"


class ContactTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"type-{n}")
    name_en = factory.LazyAttribute(lambda o: o.code.title())
    cardinality = "many"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
