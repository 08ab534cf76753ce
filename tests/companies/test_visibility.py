from django.contrib.auth.models import Permission
from django.test import TestCase

from companies.sharing import share_grant
from companies.visibility import Viewer
from partners.models import PartnerAccount
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise


class VisibilityHelperTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.other = CompanyFactory()
        cls.boss = member(cls.company)
        cls.middle = member(cls.company)
        cls.worker = member(cls.company)
        cls.colleague = member(cls.company)
        cls.finance = member(cls.company, "companies.view_all_company_data")
        supervise(cls.company, cls.boss, cls.middle)
        supervise(cls.company, cls.middle, cls.worker)
        partner = PartnerFactory()
        cls.boss_account = PartnerAccountFactory(company=cls.company, owner=cls.boss)
        cls.worker_account = PartnerAccountFactory(company=cls.company, owner=cls.worker)
        cls.colleague_account = PartnerAccountFactory(company=cls.company, owner=cls.colleague)
        cls.unowned_account = PartnerAccountFactory(company=cls.company, owner=None, partner=partner)
        # The boss works for the other company too, where the same partner has its own account.
        member(cls.other, user=cls.boss)
        cls.foreign_account = PartnerAccountFactory(company=cls.other, owner=cls.boss, partner=partner)

    def visible(self, user, company=None):
        viewer = Viewer.for_user(user, company or self.company)
        return set(PartnerAccount.objects.visible_to(viewer).values_list("pk", flat=True))

    def test_owner_sees_own(self):
        self.assertEqual(self.visible(self.worker), {self.worker_account.pk})

    def test_supervisor_sees_subordinates_at_any_depth(self):
        self.assertEqual(self.visible(self.boss), {self.boss_account.pk, self.worker_account.pk})

    def test_colleague_outside_the_line_sees_only_own(self):
        self.assertEqual(self.visible(self.colleague), {self.colleague_account.pk})

    def test_per_object_grant_shares_one_record(self):
        share_grant(obj=self.worker_account, user=self.colleague, actor=self.worker)
        self.assertEqual(self.visible(self.colleague), {self.colleague_account.pk, self.worker_account.pk})

    def test_grant_on_a_record_of_another_company_does_not_leak(self):
        member(self.other, user=self.colleague)
        share_grant(obj=self.foreign_account, user=self.colleague, actor=self.boss)
        self.assertNotIn(self.foreign_account.pk, self.visible(self.colleague))

    def test_see_all_function_shows_the_whole_company_only(self):
        self.assertEqual(
            self.visible(self.finance),
            {
                a.pk
                for a in (
                    self.boss_account,
                    self.worker_account,
                    self.colleague_account,
                    self.unowned_account,
                )
            },
        )

    def test_active_company_decides(self):
        self.assertEqual(self.visible(self.boss, self.other), {self.foreign_account.pk})

    def test_non_member_sees_nothing(self):
        self.assertEqual(self.visible(self.worker, self.other), set())

    def test_permission_for_grants_exists(self):
        self.assertTrue(Permission.objects.filter(codename="view_partneraccount").exists())
