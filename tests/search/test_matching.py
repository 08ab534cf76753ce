"""The search conditions are ones PostgreSQL's indexes serve (the point of search/lookups.py and the migrations)."""

from django.db import connection
from django.test import TestCase

from communications.models import Communication, Task
from contacts.models import Contact
from search.matching import contact_condition, item_condition, matching_partners, tax_key
from tests.factories import PartnerFactory


def plan(queryset) -> str:
    """EXPLAIN with sequential scans priced out: an index that fits the condition is always chosen."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


class IndexUseTests(TestCase):
    def test_the_partner_fragment_search_reads_its_three_indexes(self):
        # Unordered: the condition is what must be index-served (ordered, a tiny table walks partner_name).
        found = plan(matching_partners("12345").order_by())
        for index in ("partner_name_trgm", "partner_short_name_trgm", "partner_tax_key"):
            self.assertIn(index, found)
        self.assertNotIn("Seq Scan", found)

    def test_contacts_communications_and_tasks_are_searched_through_trigram_indexes(self):
        cases = {
            Contact.objects.filter(contact_condition("anna")): (
                "contact_last_name_trgm",
                "contact_first_name_trgm",
                "contact_email_trgm",
            ),
            Communication.objects.filter(item_condition("tender")): (
                "communication_subject_trgm",
                "communication_number_trgm",
            ),
            Task.objects.filter(item_condition("tender")): ("task_subject_trgm", "task_number_trgm"),
        }
        for queryset, indexes in cases.items():
            found = plan(queryset)
            with self.subTest(table=queryset.model.__name__):
                self.assertNotIn("Seq Scan", found)
                for index in indexes:
                    self.assertIn(index, found)


class MatchingTests(TestCase):
    def test_fragments_are_case_insensitive_and_wildcards_literal(self):
        duna = PartnerFactory(name="DUNA Gépgyártó Zrt.", tax_number="10773381-2-44")
        percent = PartnerFactory(name="100% Bio Kft.")
        self.assertEqual(list(matching_partners("gépgyártó")), [duna])
        self.assertEqual(list(matching_partners("0% b")), [percent])
        self.assertEqual(list(matching_partners("0%b")), [])
        self.assertEqual(list(matching_partners("0% B")), [percent])
        self.assertEqual(list(matching_partners("_un")), [])
        self.assertEqual(list(matching_partners("107733812")), [duna])
        self.assertEqual(list(matching_partners("10773381-2-44")), [duna])

    def test_a_tax_number_is_matched_with_or_without_its_country_code_and_only_for_number_like_text(self):
        bulgarian = PartnerFactory(name="Rila EOOD", tax_number="BG 131071587")
        self.assertEqual(list(matching_partners("bg1310")), [bulgarian])
        self.assertEqual(list(matching_partners("131071")), [])  # stored with its country code
        self.assertIn("REPLACE", str(matching_partners("bg1310").query))
        # Words with digits are names, not tax numbers: no tax-number condition to plan around.
        self.assertNotIn("REPLACE", str(matching_partners("Partner 00012").query))

    def test_tax_key_keeps_letters_and_digits(self):
        self.assertEqual(tax_key(" hu 10773381-2/44 "), "HU10773381244")
