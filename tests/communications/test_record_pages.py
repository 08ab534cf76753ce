"""Communication and task pages share the record layout (issue 18): the header card and its facts."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from tests.communications.factories import communication, task
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

ITEMS = (
    "communications.view_communication",
    "communications.change_communication",
    "communications.add_task",
    "communications.view_task",
    "communications.change_task",
    "communications.view_thread",
    "partners.view_partner",
)


def header(html: str) -> str:
    return html[html.index('<article class="record-header"') : html.index("</article>")]


class ItemRecordPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.seller = member(cls.company, *ITEMS, first_name="Sam", last_name="Seller")
        cls.reader = member(cls.company, "communications.view_communication", "communications.view_task")
        cls.sibling = member(cls.company, *ITEMS)
        supervise(cls.company, cls.reader, cls.seller)
        cls.partner = PartnerFactory(name="Duna Zrt.")
        PartnerAccountFactory(company=cls.company, partner=cls.partner, owner=cls.seller)

    def get(self, user, url: str) -> str:
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_communication_header_card(self):
        item = communication(
            self.company, self.seller, subject="Asked for a quote", direction="out", channel="phone",
            partner=self.partner, new_thread_subject="Quote",
        )  # fmt: skip
        card = header(self.get(self.seller, item.get_absolute_url()))
        self.assertIn('<h1 id="record-title">Asked for a quote</h1>', card)
        for text in ("Outgoing communication", item.number, "Duna Zrt.", "Sam Seller", "Phone", "Quote"):
            self.assertIn(text, card)
        self.assertIn('data-action="edit"', card)
        self.assertIn('data-action="copy-to-task"', card)
        # Their supervisor without the change functions reads the same card without the actions.
        card = header(self.get(self.reader, item.get_absolute_url()))
        self.assertIn("Asked for a quote", card)
        self.assertNotIn('data-action="edit"', card)
        self.assertNotIn('data-action="copy-to-task"', card)

    def test_task_header_card_marks_an_overdue_task(self):
        item = task(
            self.company, self.seller, subject="Send the quote", partner=self.partner, new_thread_subject="Quote",
            deadline=timezone.now() - timedelta(days=1), assignee=self.seller,
        )  # fmt: skip
        card = header(self.get(self.seller, item.get_absolute_url()))
        self.assertIn('<h1 id="record-title">Send the quote</h1>', card)
        for text in (item.number, "Duna Zrt.", "Sam Seller", "Overdue", "Assigned"):
            self.assertIn(text, card)
        self.assertIn('data-action="edit"', card)

    def test_a_siblings_item_is_a_404(self):
        item = task(self.company, self.sibling, subject="Private", new_thread_subject="Private")
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get(item.get_absolute_url()).status_code, 404)
