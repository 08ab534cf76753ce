"""Keyset paging (core/paging.py): "Next" reads the rows after the page's last row, and walking a list
by its Next links gives exactly the rows, in exactly the order, that numbered pages give: ties, NULL
deadlines, both directions, a viewer read per person (VisibleRows) and one read by the plain query."""

import random
import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communications.models import Communication, Task, Thread
from core.paging import split_page_token
from partners.models import PartnerAccount
from tests.factories import CompanyFactory, ContactFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
VIEW = (
    "communications.view_communication",
    "communications.view_task",
    "partners.view_partner",
    "contacts.view_contact",
)
NEXT = re.compile(r'<a href="([^"]*)" rel="next">')


class KeysetPagingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.manager = member(cls.company, *VIEW, username="keyset-manager")
        cls.seller = member(cls.company, *VIEW, username="keyset-seller")
        cls.sibling = member(cls.company, *VIEW, username="keyset-sibling")
        supervise(cls.company, cls.manager, cls.seller)
        supervise(cls.company, cls.manager, cls.sibling)
        shuffle = random.Random(20261206)
        base = datetime(2026, 12, 1, 9, tzinfo=BUDAPEST)
        thread = Thread.objects.create(company=cls.company, owner=cls.seller, subject="Keyset")
        for n in range(70):
            author = cls.seller if n % 3 else cls.sibling
            # Five deadlines for 70 tasks (ties everywhere) and about a fifth without one.
            deadline = None if shuffle.random() < 0.2 else base + timedelta(days=shuffle.randrange(5))
            Task.objects.create(
                company=cls.company,
                number=f"T-K-{n:04d}",
                thread=thread,
                author=author,
                subject=f"Task {n}",
                deadline=deadline,
            )
            Communication.objects.create(
                company=cls.company,
                number=f"IN-K-{n:04d}",
                thread=thread,
                author=author,
                direction="in",
                channel="email",
                subject=f"Mail {n}",
                created_at=base - timedelta(hours=shuffle.randrange(4)),
            )
        for _n in range(60):
            partner = PartnerFactory(name=f"Partner {shuffle.randrange(8)}")  # names repeat
            PartnerAccount.objects.create(company=cls.company, partner=partner, owner=cls.seller)
            ContactFactory(partner=partner, last_name=f"Contact {shuffle.randrange(6)}", first_name="")

    def walk(self, user, url: str) -> tuple[list[int], list[int]]:
        """The ids shown page after page by following Next, and by typing page numbers."""
        self.client.force_login(user)
        by_next, link, tokens = [], url, []
        while link:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(link)
            self.assertEqual(response.status_code, 200)
            if link != url:  # a Next link: the rows after the last one, no OFFSET skipping rows
                self.assertFalse([q["sql"] for q in queries if " OFFSET " in q["sql"]])
            by_next += [row.pk for row in response.context["page"].object_list]
            found = NEXT.search(response.content.decode())
            link = unescape(found.group(1)) if found else None
            if link:
                tokens.append(re.search(r"page=([^&]*)", link).group(1))
                link = reverse(response.resolver_match.view_name) + link
        by_number, number = [], 1
        while True:
            page = self.client.get(url + f"&page={number}").context["page"]
            by_number += [row.pk for row in page.object_list]
            if not page.has_next():
                break
            number += 1
        self.assertTrue(tokens and all(":" in unescape(token) or "%3A" in token for token in tokens), tokens)
        return by_next, by_number

    def test_walking_by_next_shows_what_numbered_pages_show(self):
        lists = [
            ("communications:task_list", "?per_page=25"),
            ("communications:task_list", "?per_page=25&sort=-deadline"),
            ("communications:communication_list", "?per_page=25"),
            ("partners:list", "?per_page=25"),
            ("partners:list", "?per_page=25&sort=-name"),
            ("contacts:list", "?per_page=25"),  # rows read as values (contacts.rows.ContactRow)
            ("contacts:list", "?per_page=25&sort=-name"),
        ]
        for user in (self.seller, self.manager):
            for name, query in lists:
                with self.subTest(user=user.username, list=name, query=query):
                    by_next, by_number = self.walk(user, reverse(name) + query)
                    self.assertEqual(by_next, by_number)
                    self.assertEqual(len(by_next), len(set(by_next)))
                    self.assertGreater(len(by_next), 25)

    def test_below_the_count_cap_a_page_reads_the_same_by_next_and_by_number(self):
        self.client.force_login(self.manager)
        url = reverse("communications:communication_list") + "?per_page=25"
        first = self.client.get(url).content.decode()
        next_link = unescape(NEXT.search(first).group(1))
        by_next = self.client.get(reverse("communications:communication_list") + next_link)
        by_number = self.client.get(url + "&page=2")
        label = re.compile(r'<nav class="pagination"[^>]*>.*?<span>([^<]+)</span>', re.S)
        self.assertEqual(label.search(by_next.content.decode()).group(1), "Page 2 of 3 (70 items)")
        self.assertEqual(label.search(by_number.content.decode()).group(1), "Page 2 of 3 (70 items)")

    def test_a_next_page_costs_one_query_more_than_page_one_whatever_its_depth(self):
        self.client.force_login(self.manager)  # 70 tasks: three pages of 25
        url = reverse("communications:task_list") + "?per_page=25"
        self.client.get(url)  # the session's first request reads the access cache
        counts, link = [], url
        for _page in range(3):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(link)
            counts.append(len(queries))
            found = NEXT.search(response.content.decode())
            if not found:
                break
            link = reverse("communications:task_list") + unescape(found.group(1))
        # Page 1, then pages reached by Next: the same count each, the anchor row's keys the one more.
        self.assertEqual(len(counts), 3)
        self.assertEqual(counts[1], counts[0] + 1)
        self.assertTrue(all(count == counts[1] for count in counts[1:]), counts)

    def test_a_row_the_viewer_cannot_see_is_no_anchor(self):
        hidden = Task.objects.filter(author=self.sibling).first()
        self.client.force_login(self.seller)
        response = self.client.get(reverse("communications:task_list") + f"?per_page=25&page=2:{hidden.pk}")
        # The token's id is ignored: page 2 by number, the seller's own rows only.
        page = response.context["page"]
        self.assertEqual(page.number, 2)
        shown = [task.pk for task in page.object_list]
        self.assertTrue(shown)
        self.assertFalse(Task.objects.filter(pk__in=shown).exclude(author=self.seller).exists())
        self.assertNotContains(response, hidden.number)

    def test_hostile_page_tokens_fall_back_to_numbers(self):
        self.client.force_login(self.seller)
        for token in ("2:", "2:x", ":5", "0:5", "-1:5", "2:5:6", "2:99999999999999999999999", "x" * 500):
            with self.subTest(token=token):
                response = self.client.get(reverse("communications:task_list") + f"?per_page=25&page={token}")
                self.assertEqual(response.status_code, 200)

    def test_tokens(self):
        self.assertEqual(split_page_token("12:4567"), (12, 4567))
        self.assertEqual(split_page_token("12"), (12, None))
        self.assertEqual(split_page_token("1:4567"), (1, None))
        self.assertEqual(split_page_token("nonsense"), (1, None))
        self.assertEqual(split_page_token(None), (1, None))
