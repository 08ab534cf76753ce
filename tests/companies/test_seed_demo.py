import io

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.http import HttpRequest
from django.test import TestCase

from companies.hierarchy import supervisor_ids
from companies.models import Company, Department, Membership, SupervisorEdge, User
from partners.models import Partner, PartnerAccount, PartnerAddress, Tag

MODELS = [
    Company,
    User,
    Group,
    Membership,
    Department,
    SupervisorEdge,
    Partner,
    PartnerAddress,
    PartnerAccount,
    Tag,
]


class SeedDemoTests(TestCase):
    def counts(self):
        return {model.__name__: model.objects.count() for model in MODELS}

    def test_running_twice_creates_no_duplicates(self):
        call_command("seed_demo", stdout=io.StringIO())
        first = self.counts()
        call_command("seed_demo", stdout=io.StringIO())
        self.assertEqual(self.counts(), first)
        self.assertEqual(first["Company"], 2)
        self.assertGreaterEqual(first["Partner"], 10)

    def test_demo_has_the_promised_people_and_shape(self):
        call_command("seed_demo", stdout=io.StringIO())
        alfa = Company.objects.get(code="alfa")
        sales1 = User.objects.get(username="sales1")
        # A 3-level hierarchy where one user has two supervisors.
        self.assertEqual(
            {
                User.objects.get(pk=pk).username
                for pk in supervisor_ids(user_id=sales1.pk, company_id=alfa.pk)
            },
            {"manager1", "manager2", "director"},
        )
        self.assertTrue(User.objects.get(username="admin").is_superuser)
        self.assertTrue(Membership.objects.filter(user__username="finance", groups__name="Finance").exists())
        self.assertTrue(Membership.objects.filter(user__username="sales2", groups__name="Sales").exists())

    def test_demo_users_can_log_in(self):
        from devtools.demo.companies import DEMO_PASSWORD

        call_command("seed_demo", stdout=io.StringIO())
        self.assertTrue(self.client.login(request=HttpRequest(), username="sales1", password=DEMO_PASSWORD))
        response = self.client.get("/partners/")
        self.assertContains(response, "Duna Gépgyártó Zrt.")
        self.assertNotContains(response, "Pannon Acél Kft.")  # manager1's partner: not visible to sales1
