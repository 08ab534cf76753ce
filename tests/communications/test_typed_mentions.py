"""'@name' typed without the picker: resolved on save when it names one member, a warning when several."""

from django.test import TestCase

from communications.mentions import tokenize_typed_mentions
from communications.models import Mention, Notification, Task, Thread
from tests.factories import CompanyFactory, DepartmentFactory, member

FUNCTIONS = (
    "communications.view_task",
    "communications.add_task",
    "communications.change_task",
    "communications.view_thread",
    "communications.add_thread",
)


class TypedMentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.author = member(cls.company, *FUNCTIONS, username="ada", first_name="Ada", last_name="Author")
        cls.anna = member(cls.company, username="anna.kiss", first_name="Anna", last_name="Kiss")
        cls.bea = member(cls.company, username="bea1", first_name="Bea", last_name="Nagy")
        cls.bea_too = member(cls.company, username="bea2", first_name="Bea", last_name="Nagy")
        cls.bea_too.memberships.update(job_title="Buyer")
        cls.sales = DepartmentFactory(company=cls.company, name="Sales")
        cls.seller = member(cls.company, username="seller")
        cls.seller.memberships.update(department=cls.sales)
        cls.outsider = member(CompanyFactory(), username="olga", first_name="Olga", last_name="Outside")

    def setUp(self):
        self.client.force_login(self.author)

    def test_usernames_and_full_names_in_either_order_become_tokens(self):
        text, ambiguous = tokenize_typed_mentions(
            "@anna.kiss, please ask @Kiss  Anna and @anna kiss; mail anna@example.com, @nobody, @olga",
            self.company,
        )
        token = f"@[Anna Kiss](user:{self.anna.pk})"
        self.assertEqual(
            text, f"{token}, please ask {token} and {token}; mail anna@example.com, @nobody, @olga"
        )
        self.assertEqual(ambiguous, [])

    def test_saving_a_task_with_a_typed_name_notifies_once_and_links_it(self):
        response = self.client.post(
            "/tasks/new/",
            {"subject": "Stock", "description": "Please check @Anna Kiss and @sales.", "status": "new"},
            follow=True,
        )
        task = Task.objects.get()
        self.assertEqual(
            task.description,
            f"Please check @[Anna Kiss](user:{self.anna.pk}) and @[Sales](department:{self.sales.pk}).",
        )
        self.assertEqual(
            sorted(Notification.objects.filter(verb="mention").values_list("recipient_id", flat=True)),
            sorted([self.anna.pk, self.seller.pk]),
        )
        self.assertEqual(Mention.objects.count(), 2)
        self.assertContains(response, 'class="mention mention-user"')

    def test_an_ambiguous_name_stays_text_and_the_page_names_the_candidates(self):
        response = self.client.post(
            "/tasks/new/",
            {"subject": "Stock", "description": "Ask @Bea Nagy about it", "status": "new"},
            follow=True,
        )
        self.assertEqual(Task.objects.get().description, "Ask @Bea Nagy about it")
        self.assertFalse(Notification.objects.filter(verb="mention").exists())
        warning = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
        self.assertEqual(len(warning), 1)
        self.assertIn("@Bea Nagy", warning[0])
        self.assertIn("Bea Nagy (Buyer)", warning[0])
        self.assertContains(response, "was not turned into a mention")

    def test_threads_resolve_typed_names_too(self):
        self.client.post("/threads/new/", {"subject": "Tender", "description": "FYI @bea2"})
        self.assertEqual(Thread.objects.get().description, f"FYI @[Bea Nagy](user:{self.bea_too.pk})")
        self.assertEqual(Notification.objects.get(verb="mention").recipient, self.bea_too)

    def test_text_without_a_plain_at_costs_no_query(self):
        token = f"@[Anna Kiss](user:{self.anna.pk})"
        with self.assertNumQueries(0):
            self.assertEqual(
                tokenize_typed_mentions(f"Hi {token}, mail a@b.hu", self.company)[0],
                f"Hi {token}, mail a@b.hu",
            )
