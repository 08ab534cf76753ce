"""The one object loader (`get_visible_or_404`, `get_readable_or_404`) and the job's viewer."""

from django.db import connection, transaction
from django.http import Http404
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext

from companies.models import Membership
from companies.visibility import Viewer, get_readable_or_404, get_visible_or_404
from contacts.models import Contact
from partners.models import AccountStatus, PartnerAccount
from tests.communications import factories as items
from tests.factories import CompanyFactory, ContactFactory, PartnerAccountFactory, member, supervise


class LoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.other = CompanyFactory()
        cls.boss = member(cls.company)
        cls.seller = member(cls.company)
        cls.sibling = member(cls.company)
        supervise(cls.company, cls.boss, cls.seller)
        cls.account = PartnerAccountFactory(company=cls.company, owner=cls.seller)
        cls.siblings_account = PartnerAccountFactory(company=cls.company, owner=cls.sibling)
        cls.foreign_account = PartnerAccountFactory(company=cls.other, owner=member(cls.other))

    def viewer(self, user):
        return Viewer.for_user(user, self.company)

    def test_it_loads_what_the_viewer_sees_and_answers_404_for_a_colleague_s_or_another_company_s(self):
        self.assertEqual(
            get_visible_or_404(self.viewer(self.seller), PartnerAccount, self.account.pk), self.account
        )
        self.assertEqual(
            get_visible_or_404(self.viewer(self.boss), PartnerAccount, self.account.pk), self.account
        )
        for pk in (self.siblings_account.pk, self.foreign_account.pk):
            with self.subTest(pk=pk), self.assertRaises(Http404):
                get_visible_or_404(self.viewer(self.seller), PartnerAccount, pk)

    def test_it_loads_by_another_key_with_related_rows_in_one_query(self):
        viewer = self.viewer(self.seller)
        # What a request has asked before its view runs: the viewer's functions and people.
        viewer.sees_all, viewer.visible_user_ids  # noqa: B018
        with self.assertNumQueries(1):
            account = get_visible_or_404(
                viewer,
                PartnerAccount,
                self.account.partner_id,
                field="partner_id",
                select_related=("partner",),
            )
            self.assertEqual(account.partner.name, self.account.partner.name)

    def test_it_locks_the_row_it_loads_across_an_outer_join(self):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            account = get_visible_or_404(
                self.viewer(self.seller),
                PartnerAccount,
                self.account.pk,
                for_update=True,
                select_related=("owner",),
            )
        self.assertEqual(account, self.account)
        if connection.vendor == "postgresql":
            self.assertIn("FOR UPDATE OF", queries[-1]["sql"])

    def test_a_queryset_narrows_what_it_may_load(self):
        lost = PartnerAccount.objects.filter(status=AccountStatus.LOST)
        with self.assertRaises(Http404):
            get_visible_or_404(self.viewer(self.seller), lost, self.account.pk)

    def request(self, membership):
        request = RequestFactory().get("/")
        request.user, request.company, request.membership = self.seller, self.company, membership
        return request

    def test_it_takes_the_request_of_a_member(self):
        membership = Membership.objects.get(user=self.seller, company=self.company)
        self.assertEqual(
            get_visible_or_404(self.request(membership), PartnerAccount, self.account.pk), self.account
        )
        with self.assertRaises(Http404):  # no membership in the active company: nothing at all
            get_visible_or_404(self.request(None), PartnerAccount, self.account.pk)

    def test_a_thread_item_reads_for_whoever_sees_the_thread_and_edits_only_for_its_own_people(self):
        thread = items.thread(self.company, self.seller)
        call = items.communication(self.company, self.sibling, thread=thread)
        self.assertEqual(get_readable_or_404(self.viewer(self.sibling), type(call), call.pk), (call, True))
        self.assertEqual(get_readable_or_404(self.viewer(self.boss), type(call), call.pk), (call, False))
        with self.assertRaises(Http404):
            get_visible_or_404(self.viewer(self.boss), type(call), call.pk)
        outsider = member(self.company)
        with self.assertRaises(Http404):
            get_readable_or_404(self.viewer(outsider), type(call), call.pk)


class JobViewerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.other = CompanyFactory()
        seller, sibling = member(cls.company), member(cls.company)
        cls.accounts = {
            PartnerAccountFactory(company=cls.company, owner=seller),
            PartnerAccountFactory(company=cls.company, owner=sibling),
            PartnerAccountFactory(company=cls.company, owner=None),
        }
        cls.foreign = PartnerAccountFactory(company=cls.other, owner=member(cls.other))
        cls.contact = ContactFactory(partner=next(iter(cls.accounts)).partner)
        cls.foreign_contact = ContactFactory(partner=cls.foreign.partner)

    def test_a_job_sees_the_whole_company_and_nothing_of_another_in_one_query(self):
        with self.assertNumQueries(1):
            job = Viewer.for_job(self.company)
            self.assertEqual(set(PartnerAccount.objects.visible_to(job)), self.accounts)
        self.assertTrue(job.sees_all)
        self.assertIsNone(job.user)
        self.assertEqual(list(Contact.objects.visible_to(job)), [self.contact])

    def test_a_job_loads_one_record_of_its_company_only(self):
        job = Viewer.for_job(self.company)
        account = next(iter(self.accounts))
        self.assertEqual(get_visible_or_404(job, PartnerAccount, account.pk), account)
        with self.assertRaises(Http404):
            get_visible_or_404(job, PartnerAccount, self.foreign.pk)
