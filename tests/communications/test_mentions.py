from django.test import TestCase

from communications.mentions import parse, render
from communications.models import Mention, Notification
from communications.services import communication_update, task_update
from tests.communications import factories
from tests.factories import CompanyFactory, DepartmentFactory, PartnerAccountFactory, PartnerFactory, member

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "@[<script>alert(1)</script>](user:1)",
    '@[x" onmouseover="alert(1)](user:1)',
    "#[x](partner:1)<iframe src=javascript:alert(1)>",
    "<a href='javascript:alert(1)'>click</a>",
]


class MentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.author = member(cls.company, first_name="Ada", last_name="Author")
        cls.anna = member(cls.company, first_name="Anna", last_name="Kiss")
        cls.sales = DepartmentFactory(company=cls.company, name="Sales")
        cls.field = DepartmentFactory(company=cls.company, name="Field", parent=cls.sales)
        cls.seller1 = member(cls.company)
        cls.seller2 = member(cls.company)
        cls.field_seller = member(cls.company)
        cls.seller1.memberships.update(department=cls.sales)
        cls.seller2.memberships.update(department=cls.sales)
        cls.field_seller.memberships.update(department=cls.field)
        cls.outsider = member(CompanyFactory())
        cls.partner = PartnerAccountFactory(
            company=cls.company, partner=PartnerFactory(name="Duna Zrt.")
        ).partner

    def notified(self):
        return sorted(Notification.objects.filter(verb="mention").values_list("recipient_id", flat=True))

    def test_parse_tokens(self):
        text = f"Hi @[Anna](user:{self.anna.pk}), see #[Duna](partner:{self.partner.pk}) and @[Anna](user:{self.anna.pk})"
        self.assertEqual(
            [(t.kind, t.pk) for t in parse(text)], [("user", self.anna.pk), ("partner", self.partner.pk)]
        )

    def test_mentioning_a_person_notifies_them_and_stores_the_reference(self):
        item = factories.communication(
            self.company, self.author, description=f"Please call back @[Anna](user:{self.anna.pk})"
        )
        self.assertEqual(self.notified(), [self.anna.pk])
        notification = Notification.objects.get()
        self.assertEqual(notification.url, f"/communications/{item.pk}/")
        self.assertEqual(Mention.objects.get().target, self.anna)

    def test_mentioning_a_department_notifies_every_member_including_sub_departments(self):
        factories.task(self.company, self.author, description=f"FYI @[Sales](department:{self.sales.pk})")
        self.assertEqual(self.notified(), sorted([self.seller1.pk, self.seller2.pk, self.field_seller.pk]))

    def test_editing_notifies_only_people_newly_mentioned(self):
        task = factories.task(self.company, self.author, description=f"@[Anna](user:{self.anna.pk})")
        task_update(
            task=task,
            actor=self.author,
            description=f"@[Anna](user:{self.anna.pk}) and @[Sales](department:{self.sales.pk}) again",
        )
        task_update(task=task, actor=self.author, description=task.description + " (typo fixed)")
        self.assertEqual(
            self.notified(), sorted([self.anna.pk, self.seller1.pk, self.seller2.pk, self.field_seller.pk])
        )

    def test_the_author_and_other_companies_people_are_not_notified(self):
        factories.communication(
            self.company,
            self.author,
            description=f"@[me](user:{self.author.pk}) @[stranger](user:{self.outsider.pk})",
        )
        self.assertEqual(self.notified(), [])
        # The stranger is not resolvable in this company: only the self-mention is stored.
        self.assertEqual([m.target for m in Mention.objects.all()], [self.author])

    def test_rendered_mention_follows_renames(self):
        text = f"Ask #[Old Name](partner:{self.partner.pk})"
        self.partner.name = "Duna Gépgyár Zrt."
        self.partner.save()
        html = render(text, self.company)
        self.assertIn(f'href="/partners/{self.partner.pk}/"', html)
        self.assertIn("#Duna Gépgyár Zrt.", html)
        self.assertNotIn("Old Name", html)

    def test_hostile_descriptions_render_inert(self):
        for payload in XSS:
            with self.subTest(payload=payload):
                html = str(render(payload, self.company))
                self.assertNotIn("<script", html.lower())
                self.assertNotIn("<img", html.lower())
                self.assertNotIn("<svg", html.lower())
                self.assertNotIn("<iframe", html.lower())
                self.assertNotIn('href="javascript', html.lower())

    def test_hostile_description_through_the_page_is_inert(self):
        self.client.force_login(self.author)
        item = factories.communication(self.company, self.author, description="\n".join(XSS))
        response = self.client.get(f"/communications/{item.pk}/")
        self.assertEqual(response.status_code, 403)  # author lacks the view function here
        viewer = member(self.company, "communications.view_communication")
        communication_update(communication=item, actor=self.author, assignee=viewer)
        self.client.force_login(viewer)
        body = self.client.get(f"/communications/{item.pk}/").content.decode()
        self.assertNotIn("<script>alert(1)</script>", body)
        self.assertNotIn("<img src=x", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
