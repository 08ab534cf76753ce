"""The team page: who sees what, bad input, sorting, exports, links that open exactly what they count."""

import re

import time_machine
from django.conf import settings
from django.test import TestCase

from partners.models import Partner, PartnerAccount
from team.stats import FIGURES
from tests.factories import member
from tests.team.world import EXPECTED_SELLER1, NOW, World

URL = "/team/"


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: without scripts, styles and tags, spaces joined."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@time_machine.travel(NOW, tick=False)
class TeamPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.w = World()

    def get(self, user, query="", url=URL, language="en"):
        self.client.force_login(user)
        session = self.client.session
        session["active_company_id"] = self.w.company.pk  # seller1 is a member of another company too
        session.save()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the messages below are English
        return self.client.get(f"{url}{'?' if query else ''}{query}")

    def people(self, response) -> list[str]:
        return re.findall(r'<tr data-person="([^"]+)"', response.content.decode())

    def test_login_and_function_required(self):
        self.assertEqual(self.client.get(URL).status_code, 302)
        outsider = member(self.w.company, "events.view_event", username="nofunction")
        self.assertEqual(self.get(outsider).status_code, 403)

    def test_a_manager_sees_their_team_and_its_figures(self):
        response = self.get(self.w.anna)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.people(response), ["s1", "s2"])  # name order: One, Two
        body = response.content.decode()
        row = body[body.index('data-person="s1"') :].split("</tr>")[0]
        self.assertIn('data-figure="communications"><a href', row)
        self.assertIn('aria-label="All: 3"', row)
        self.assertIn("12 days left", row)

    def test_the_defaults_are_shown_as_chosen(self):
        body = self.get(self.w.anna).content.decode()
        self.assertIn('<option value="this_week" selected>', body)
        self.assertIn('<option value="below" selected>', body)

    def test_the_top_director_sees_everyone_below_once(self):
        self.assertEqual(self.people(self.get(self.w.boss)), ["anna", "bela", "s1", "s3", "s2"])
        self.assertEqual(self.people(self.get(self.w.boss, "scope=direct")), ["anna", "bela"])

    def test_a_sibling_manager_sees_nothing_of_the_other_team(self):
        response = self.get(self.w.bela, f"scope=person&person={self.w.seller1.pk}")
        self.assertEqual(self.people(response), [])
        self.assertContains(response, 'id="id_person-error"')  # the error next to the field
        self.assertNotIn("s1", self.people(self.get(self.w.bela)))
        response = self.get(self.w.bela, f"scope=department&department={self.w.north.pk}")
        self.assertEqual(
            self.people(response), ["s2"]
        )  # seller2 reports to bela too; seller1 and anna do not

    def test_a_sales_user_sees_only_themself(self):
        # (seller1 has overdue meetings: the meeting block sends them to close those first)
        self.assertEqual(self.get(self.w.seller1).status_code, 302)
        self.assertEqual(self.people(self.get(self.w.seller3)), ["s3"])
        self.assertEqual(self.people(self.get(self.w.seller3, "scope=direct")), ["s3"])
        response = self.get(self.w.seller3, f"scope=person&person={self.w.seller2.pk}")
        self.assertEqual(self.people(response), [])

    def test_bad_input_is_explained_next_to_the_field_and_kept(self):
        response = self.get(self.w.anna, "period=custom&start=2026-12-10&end=2026-12-01")
        self.assertContains(response, "The last day must not be before the first.")
        self.assertContains(response, 'value="2026-12-10"')
        response = self.get(self.w.anna, "period=custom&start=not-a-day")
        self.assertContains(response, "Enter a valid date.")
        self.assertContains(response, 'value="not-a-day"')
        response = self.get(self.w.anna, "period=custom&start=2020-01-01&end=2026-01-01")
        self.assertContains(response, "at most a year")
        response = self.get(self.w.anna, "period=custom&start=9999-12-01&end=9999-12-31")
        self.assertContains(response, "Enter a day between 1900 and 2999.", count=2)
        response = self.get(self.w.anna, "period=custom&start=0001-01-01&end=0001-01-02")
        self.assertEqual(response.status_code, 200)
        response = self.get(self.w.anna, "period=nonsense&scope=x&sort=%00drop&person=99999999999999999999")
        self.assertEqual(response.status_code, 200)

    def test_no_double_full_stop_in_hungarian_or_bulgarian(self):
        # A Hungarian date ends in a full stop (2026.12.13.): a sentence must not end with the date
        # and another full stop.
        for language in ("hu", "bg"):
            for url in (URL, f"/org/people/{self.w.seller1.pk}/"):
                with self.subTest(language=language, url=url):
                    response = self.get(self.w.anna, url=url, language=language)
                    self.assertEqual(response.status_code, 200)
                    text = visible_text(response.content.decode())
                    self.assertIn("2026.12.07." if language == "hu" else "07.12.2026", text)
                    self.assertNotRegex(text, r"(?<!\.)\.\.(?!\.)")

    def test_custom_period(self):
        response = self.get(self.w.anna, "period=custom&start=2026-11-30&end=2026-12-06")
        body = response.content.decode()
        row = body[body.index('data-person="s1"') :].split("</tr>")[0]
        self.assertIn('aria-label="All: 1"', row)  # the email on Sunday 23:30

    def test_sorting_by_a_column(self):
        self.assertEqual(self.people(self.get(self.w.boss, "sort=-communications"))[0], "s1")
        self.assertEqual(self.people(self.get(self.w.boss, "sort=-name"))[0], "s2")

    def test_totals_per_department_and_scope(self):
        body = self.get(self.w.boss).content.decode()
        self.assertIn("North: 3 people", body)
        self.assertIn("South: 2 people", body)
        total = body[body.index('class="scope-total"') :].split("</tr>")[0]
        self.assertIn("Total: 5 people", total)
        self.assertRegex(total, r'data-figure="communications">5<')

    def test_csv_and_xlsx_exports(self):
        response = self.get(self.w.anna, "export=csv")
        self.assertEqual(response["Content-Type"].split(";")[0], "text/csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        self.assertTrue(lines[0].startswith("Person,Department,Communications: Phone in"))
        self.assertEqual(len(lines), 4)  # header, two people, total
        self.assertIn("Sara One", lines[1])
        response = self.get(self.w.anna, "export=xlsx")
        self.assertEqual(response.content[:2], b"PK")

    def test_every_link_opens_a_list_with_as_many_rows_as_the_figure(self):
        body = self.get(self.w.anna).content.decode()
        row = body[body.index('data-person="s1"') :].split("</tr>")[0]
        links = dict(re.findall(r'data-figure="([a-z_]+)"><a href="([^"]+)"', row))
        self.assertEqual(set(links), set(FIGURES))
        for figure, href in links.items():
            with self.subTest(figure=figure):
                response = self.get(self.w.anna, url=href.replace("&amp;", "&"))
                self.assertEqual(response.status_code, 200, href)
                if (
                    "rows" in response.context
                    and figure.startswith(("partners_", "first"))
                    and "/team/" in href
                ):
                    shown = len(response.context["rows"])
                else:
                    shown = response.context["page"].paginator.count
                self.assertEqual(shown, EXPECTED_SELLER1.get(figure, 0), href)

    def test_the_person_page_shows_the_figures_only_to_those_above(self):
        url = f"/org/people/{self.w.seller1.pk}/"
        response = self.get(self.w.anna, url=url)
        self.assertContains(response, 'id="person-figures"')
        self.assertContains(response, 'class="weekly-chart"')
        self.assertContains(response, "Upcoming meetings")
        response = self.get(self.w.bela, url=url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="person-figures"')

    def partners(self, user, query="", language="en"):
        response = self.get(user, query, url="/team/partners/", language=language)
        self.assertEqual(response.status_code, 200)  # never a bare error page
        return response

    def partner_names(self, response) -> list[str]:
        return [str(row.partner) for row in response.context["rows"]]

    def test_partner_figure_list(self):
        query = f"person={self.w.seller1.pk}&figure=partners_new&start=2026-12-07&end=2026-12-13"
        response = self.partners(self.w.anna, query)
        self.assertEqual(self.partner_names(response), [str(self.w.partner_new.partner)])
        self.assertContains(response, "New partners of Sara One from 07/12/2026 to 13/12/2026")
        self.assertContains(response, '<option value="partners_new" selected>')  # the choices stay
        response = self.partners(
            self.w.anna, f"person={self.w.seller1.pk}&figure=partners_without_next_event"
        )
        self.assertEqual(self.partner_names(response), [str(self.w.partner_old.partner)])  # no period needed

    def test_partner_figure_list_without_parameters_offers_its_choices(self):
        response = self.partners(self.w.anna)
        self.assertContains(response, "Choose a person, a figure and a period")
        self.assertNotContains(response, "error-summary")
        body = response.content.decode()
        self.assertIn(f'<option value="{self.w.seller1.pk}">Sara One</option>', body)
        self.assertIn('<option value="first_successes">First successes</option>', body)
        self.assertNotIn("Sol Three", body)  # not in anna's team
        # An old link with only the person: what is missing is said next to each field.
        response = self.partners(self.w.anna, f"person={self.w.seller1.pk}")
        self.assertContains(response, "There are 3 problems")
        self.assertContains(response, "Choose a figure.")
        self.assertContains(response, "Enter the first day of the range.")
        self.assertContains(response, "Enter the last day of the range.")
        self.assertEqual(response.context["rows"], [])

    def test_partner_figure_list_hostile_parameters(self):
        ok = {
            "person": self.w.seller1.pk,
            "figure": "partners_new",
            "start": "2026-12-07",
            "end": "2026-12-13",
        }
        outsider = member(self.w.other_company, username="elsewhere", first_name="Otto", last_name="Other")
        select = "Select a valid choice."
        cases = [
            ("person", "x", select),
            ("person", "99999999999999999999", select),
            ("person", "-1", select),
            ("person", "1.5", select),
            ("person", "", "Choose a person."),
            ("person", outsider.pk, select),  # another company's person
            ("person", self.w.seller3.pk, select),  # bela's, not below anna
            ("figure", "partners_owned", select),
            ("figure", "<script>x</script>", select),
            ("figure", "", "Choose a figure."),
            ("start", "not-a-day", "Enter a valid date."),
            ("start", "9999-12-01", "Enter a day between 1900 and 2999."),
            ("start", "0001-01-01", "Enter a day between 1900 and 2999."),
            ("start", "2026-13-45", "Enter a valid date."),
            ("end", "99999999999999999999", "Enter a valid date."),
            ("end", "2026-12-01", "The last day must not be before the first."),
        ]
        for name, value, message in cases:
            with self.subTest(name=name, value=value):
                query = "&".join(f"{k}={value if k == name else v}" for k, v in ok.items())
                response = self.partners(self.w.anna, query)
                self.assertContains(response, message)
                self.assertContains(response, f'id="id_{name}_error"')  # next to the field (aria-describedby)
                self.assertEqual(response.context["rows"], [])
                self.assertNotContains(response, "<script>x</script>")
                self.assertNotContains(response, "Otto Other")
                self.assertNotContains(response, str(self.w.partner_new.partner))

    def test_a_sibling_manager_gets_nothing_of_the_other_team(self):
        query = f"person={self.w.seller1.pk}&figure=partners_new&start=2026-12-07&end=2026-12-13"
        response = self.partners(self.w.bela, query)
        self.assertContains(response, "Select a valid choice.")
        self.assertNotContains(response, "Sara One")
        self.assertNotContains(response, str(self.w.partner_new.partner))
        # A sales user sees only themself.
        response = self.partners(self.w.seller3, query)
        self.assertContains(response, "Select a valid choice.")
        self.assertEqual(response.context["rows"], [])

    def test_partner_figure_list_in_hungarian(self):
        query = f"person={self.w.seller1.pk}&figure=partners_new&start=2026-12-07&end=2026-12-13"
        response = self.partners(self.w.anna, query, language="hu")
        self.assertContains(response, "2026.12.07.")  # the company's day format, not 2026-12-07
        response = self.partners(self.w.anna, "person=x", language="hu")
        self.assertContains(response, "Válasszon érvényes elemet.")
        self.assertNotRegex(visible_text(response.content.decode()), r"(?<!\.)\.\.(?!\.)")


@time_machine.travel(NOW, tick=False)
class GroupedNumbersTests(TestCase):
    """Counts are grouped as the page's language writes them (en "1,205"; hu and bg "1 205" with a
    no-break space), on the team page and the person page; the ids in the links stay plain digits."""

    GROUPED = {"en": "1,205", "hu": "1\N{NO-BREAK SPACE}205", "bg": "1\N{NO-BREAK SPACE}205"}

    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.w = World()
            partners = Partner.objects.bulk_create(Partner(name=f"Bulk {n:04d}") for n in range(1203))
            PartnerAccount.objects.bulk_create(
                PartnerAccount(company=cls.w.company, partner=partner, owner=cls.w.seller1)
                for partner in partners
            )

    def get(self, url: str, language: str):
        self.client.force_login(self.w.anna)
        session = self.client.session
        session["active_company_id"] = self.w.company.pk
        session.save()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def owned_cell(self, html: str) -> str:
        cell = html[html.index('data-figure="partners_owned">') :]
        return cell[: cell.index("</td>")]

    def test_the_team_page_groups_counts_in_each_language(self):
        owner = f"/partners/?owner={self.w.seller1.pk}"
        for language, grouped in self.GROUPED.items():
            with self.subTest(language=language):
                html = self.get(URL, language)
                row = html[html.index('data-person="s1"') :].split("</tr>")[0]
                cell = self.owned_cell(row)
                self.assertIn(f'<a href="{owner}" aria-label="', cell)  # the id as it is
                self.assertIn(f': {grouped}">{grouped}</a>', cell)
                self.assertNotIn("1205", cell)
                if language == "en":
                    self.assertIn('aria-label="Owned: 1,205">1,205</a>', cell)
                    # "New" this week: 1,204 more than last week
                    new = row[row.index('data-figure="partners_new">') :].split("</td>")[0]
                    self.assertIn('title="Previous period: 0">+1,204</small>', new)

    def test_the_person_page_groups_them_too(self):
        for language, grouped in self.GROUPED.items():
            with self.subTest(language=language):
                html = self.get(f"/org/people/{self.w.seller1.pk}/", language)
                self.assertIn(f">{grouped}</a>", self.owned_cell(html))


class TeamPageQueryTests(TestCase):
    """The page takes the same queries for 5 and for 50 people (rows, links, totals, sparklines)."""

    def queries_for(self, n: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import CompanyFactory, supervise
        from tests.team.world import TEAM_FUNCTION, World

        company = CompanyFactory(language="en")
        boss = member(company, TEAM_FUNCTION, username=f"boss{n}")
        world = World.__new__(World)  # only its record helpers, on this company
        world.company = company
        from tests.events.factories import EventTypeFactory

        world.call = EventTypeFactory(code="call", kind="call")
        for i in range(n):
            user = member(company, username=f"q{n}-{i}")
            supervise(company, boss, user)
            world.comm(user, NOW)
            world.event(user, NOW)
        self.client.force_login(boss)
        self.client.get(URL)  # warm the access cache
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(URL + "?period=last_week&sort=-communications")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode().count("<tr data-person="), n)
        return len(queries)

    def test_constant_queries_for_5_and_50_people(self):
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(self.queries_for(5), self.queries_for(50))

    def test_another_companys_person_is_not_found(self):
        with time_machine.travel(NOW, tick=False):
            w = World()
        outsider = member(w.other_company, username="elsewhere")
        self.client.force_login(w.boss)
        query = f"person={outsider.pk}&figure=partners_new&start=2026-12-07&end=2026-12-13"
        response = self.client.get("/team/partners/?" + query)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_person_error"')
        self.assertEqual(response.context["rows"], [])
        response = self.client.get(URL + f"?scope=person&person={outsider.pk}")
        self.assertNotIn(b"<tr data-person=", response.content)
