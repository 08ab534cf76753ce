"""The import wizard end to end through the pages (upload, columns, preview, start, result), with the job
run eagerly on commit: good, bad and duplicate rows in CSV and XLSX, formulas, Windows-1250/1251, reruns,
progress, the failures' download, access and isolation."""

import csv
import io

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from openpyxl import load_workbook

from contacts.models import Contact, GdprNotice
from imports.models import ImportMapping, ImportRun, RunStatus
from partners.models import Partner, PartnerAccount
from tests.factories import (
    CompanyFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)
from tests.imports.sheets import (
    csv_bytes,
    hu_tax_number,
    xlsx_bytes,
    xlsx_damaged_at,
    xlsx_with_formatted_rows_below,
    xlsx_without_dimension,
)

IMPORTER = (
    "imports.run_import",
    "partners.view_partner",
    "partners.add_partner",
    "contacts.view_contact",
    "contacts.add_contact",
)
PARTNER_HEADER = ["Name", "Tax number", "E-mail", "Country", "City", "Street"]
GOOD_TAX, OTHER_TAX = hu_tax_number(1048487), hu_tax_number(1234567)


def partner_rows():
    return [
        PARTNER_HEADER,
        ["Alfa Kft.", GOOD_TAX, "info@alfa.hu", "HU", "Budapest", "Fő utca 1."],  # row 2: good
        ["Béta Bt.", "12345678-9-99", "info@beta.hu", "HU", "Győr", ""],  # row 3: bad tax number
        ["Gamma Zrt.", OTHER_TAX, "not-an-address", "HU", "Pécs", ""],  # row 4: bad e-mail
        ["Delta Kft.", "", "", "XX", "Szeged", ""],  # row 5: bad country
        ["Alfa Kft.", GOOD_TAX, "info@alfa.hu", "HU", "Budapest", "Fő utca 1."],  # row 6: duplicate of row 2
        ["Epszilon Kft.", "", "", "", "", ""],  # row 7: good, no tax number
    ]


class WizardMixin:
    def setUp(self):
        self.company = CompanyFactory(name="Alfa Csoport Kft.")
        self.user = member(self.company, *IMPORTER, username="importer")
        self.client.force_login(self.user)

    def upload(self, data: bytes, name: str, kind: str = "partners", encoding: str = "auto"):
        return self.client.post(
            "/imports/", {"file": SimpleUploadedFile(name, data), "kind": kind, "encoding": encoding}
        )

    def map_columns(self, run: ImportRun, matching: str = "update", overrides: dict | None = None):
        form = self.client.get(f"/imports/{run.pk}/columns/").context["form"]
        data = {name: form[name].value() or "" for name in form.fields if name.startswith("column_")}
        data.update(overrides or {})
        data["matching"] = matching
        return self.client.post(f"/imports/{run.pk}/columns/", data)

    def run_file(
        self, data: bytes, name: str, kind: str = "partners", matching: str = "update", **upload
    ) -> ImportRun:
        response = self.upload(data, name, kind, **upload)
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context["form"].errors
        )
        run = ImportRun.objects.latest("pk")
        self.assertRedirects(self.map_columns(run, matching), f"/imports/{run.pk}/preview/")
        self.assertEqual(self.client.get(f"/imports/{run.pk}/preview/").status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/imports/{run.pk}/start/")
        self.assertRedirects(response, f"/imports/{run.pk}/")
        run.refresh_from_db()
        return run


class PartnerImportTests(WizardMixin, TestCase):
    def assert_first_file_result(self, run: ImportRun):
        self.assertEqual(run.status, RunStatus.DONE)
        self.assertEqual(
            (run.created_count, run.updated_count, run.skipped_count, run.failed_count), (2, 0, 1, 3)
        )
        self.assertEqual([failure["row"] for failure in run.failures], [3, 4, 5])
        reasons = " | ".join(failure["reason"] for failure in run.failures)
        self.assertIn("Tax number:", reasons)
        self.assertIn("E-mail: Enter a valid email address.", reasons)
        self.assertIn("XX is not a country code", reasons)
        alfa = Partner.objects.get(tax_number=GOOD_TAX)
        self.assertEqual(alfa.addresses.get(kind="seat").city, "Budapest")
        account = PartnerAccount.objects.get(company=self.company, partner=alfa)
        self.assertEqual(account.owner, self.user)
        self.assertTrue(Partner.objects.filter(name="Epszilon Kft.").exists())
        self.assertFalse(Partner.objects.filter(name__in=["Béta Bt.", "Gamma Zrt.", "Delta Kft."]).exists())

    def test_a_csv_with_good_bad_and_duplicate_rows(self):
        run = self.run_file(csv_bytes(partner_rows()), "partners.csv")
        self.assert_first_file_result(run)
        page = self.client.get(f"/imports/{run.pk}/")
        self.assertContains(page, "Rows that failed")
        self.assertContains(page, "XX is not a country code")
        self.assertNotContains(page, f'hx-get="/imports/{run.pk}/"')  # finished: no more polling

    def test_an_xlsx_with_the_same_rows(self):
        run = self.run_file(xlsx_bytes(partner_rows()), "partners.xlsx")
        self.assert_first_file_result(run)

    def test_running_the_same_file_twice_creates_nothing_new(self):
        data = xlsx_bytes(partner_rows())
        self.run_file(data, "partners.xlsx")
        partners, accounts = Partner.objects.count(), PartnerAccount.objects.count()
        self.assertContains(self.client.get("/imports/"), "partners.xlsx")
        self.upload(data, "partners.xlsx")
        second = ImportRun.objects.latest("pk")
        self.assertContains(
            self.client.get(f"/imports/{second.pk}/columns/"), "This file was already imported"
        )
        second = self.run_file(data, "partners.xlsx")
        self.assertEqual((second.created_count, second.updated_count, second.skipped_count), (0, 0, 3))
        self.assertEqual((Partner.objects.count(), PartnerAccount.objects.count()), (partners, accounts))
        # "Create only" reports the existing ones as duplicates and creates nothing either.
        third = self.run_file(data, "partners.xlsx", matching="create")
        self.assertEqual((third.created_count, third.failed_count), (0, 6))
        self.assertEqual(Partner.objects.count(), partners)

    def test_update_changes_the_matched_partner_and_adopts_it(self):
        shared = PartnerFactory(name="Alfa régi név", tax_number=GOOD_TAX)  # known to another company only
        run = self.run_file(csv_bytes(partner_rows()[:2]), "alfa.csv")
        self.assertEqual((run.created_count, run.updated_count), (0, 1))
        shared.refresh_from_db()
        self.assertEqual((shared.name, shared.email), ("Alfa Kft.", "info@alfa.hu"))
        self.assertTrue(
            PartnerAccount.objects.filter(company=self.company, partner=shared, owner=self.user).exists()
        )

    def test_skip_leaves_the_matched_partner_unchanged(self):
        shared = PartnerFactory(name="Alfa régi név", tax_number=GOOD_TAX)
        run = self.run_file(csv_bytes(partner_rows()[:2]), "alfa.csv", matching="skip")
        self.assertEqual((run.created_count, run.updated_count, run.skipped_count), (0, 0, 1))
        shared.refresh_from_db()
        self.assertEqual(shared.name, "Alfa régi név")

    def test_formulas_are_never_executed_nor_imported(self):
        rows = [
            PARTNER_HEADER,
            ["=1+1", "", "", "", "", ""],
            ["Zéta Kft.", "", '=HYPERLINK("http://x")', "", "", ""],
            ["Éta Kft.", "", "", "", "", ""],
        ]
        run = self.run_file(xlsx_bytes(rows), "formulas.xlsx")
        self.assertEqual((run.created_count, run.failed_count), (1, 2))
        self.assertIn("A formula (=1+1) is not imported", run.failures[0]["reason"])
        self.assertFalse(Partner.objects.filter(name__startswith="=").exists())
        self.assertFalse(Partner.objects.filter(name="2").exists())
        csv_run = self.run_file(csv_bytes(rows), "formulas.csv")
        self.assertEqual(csv_run.failed_count, 2)

    def test_a_leading_apostrophe_from_our_exports_is_taken_off(self):
        rows = [["Name", "Phone"], ["Théta Kft.", "'+36 1 234 5678"]]
        run = self.run_file(csv_bytes(rows), "export.csv")
        self.assertEqual(run.created_count, 1)
        self.assertEqual(Partner.objects.get(name="Théta Kft.").phone, "+36 1 234 5678")

    def test_windows_1250_is_detected(self):
        rows = [
            ["Név", "Adószám", "Település"],
            ["Árvíztűrő Tükörfúrógép Kft.", GOOD_TAX, "Hódmezővásárhely"],
            ["Őrség Ügynökség Bt.", "", "Kőszeg"],
        ]
        run = self.run_file(csv_bytes(rows, encoding="cp1250", delimiter=";"), "magyar.csv")
        self.assertEqual(run.encoding, "cp1250")
        self.assertEqual(run.created_count, 2)
        partner = Partner.objects.get(tax_number=GOOD_TAX)
        self.assertEqual(partner.name, "Árvíztűrő Tükörfúrógép Kft.")
        self.assertEqual(partner.addresses.get().city, "Hódmezővásárhely")

    def test_windows_1251_is_detected(self):
        rows = [
            ["Име", "ЕИК", "Държава", "Град"],
            ["Българска Търговска Компания ООД", "175074752", "BG", "София"],
        ]
        run = self.run_file(csv_bytes(rows, encoding="cp1251"), "bulgarian.csv")
        self.assertEqual(run.encoding, "cp1251")
        partner = Partner.objects.get(tax_number="175074752")
        self.assertEqual(partner.name, "Българска Търговска Компания ООД")
        self.assertEqual(partner.addresses.get().country, "BG")

    def test_utf8_with_a_byte_order_mark_and_a_chosen_encoding(self):
        rows = [["Name"], ["Ünnepi Kft."]]
        run = self.run_file(csv_bytes(rows, bom=True), "bom.csv")
        self.assertEqual(run.created_count, 1)  # the BOM is not part of the first header
        self.assertTrue(Partner.objects.filter(name="Ünnepi Kft.").exists())
        chosen = self.run_file(
            csv_bytes([["Name"], ["Ёлка ООД"]], encoding="cp1251"), "chosen.csv", encoding="cp1251"
        )
        self.assertEqual(chosen.encoding, "cp1251")
        self.assertTrue(Partner.objects.filter(name="Ёлка ООД").exists())

    def test_writes_are_audited_as_the_importing_user(self):
        self.run_file(csv_bytes(partner_rows()[:2]), "alfa.csv")
        partner = Partner.objects.get(tax_number=GOOD_TAX)
        entry = LogEntry.objects.get_for_object(partner).get()
        self.assertEqual(entry.actor, self.user)

    def test_the_mapping_is_remembered_for_the_next_file(self):
        rows = [["Cégmegnevezés", "Azonosító"], ["Kappa Kft.", GOOD_TAX]]
        self.upload(csv_bytes(rows), "own-headers.csv")
        run = ImportRun.objects.latest("pk")
        self.map_columns(run, overrides={"column_0": "name", "column_1": "tax_number"})
        self.assertEqual(
            ImportMapping.objects.get(user=self.user, kind="partners").mapping,
            {"Cégmegnevezés": "name", "Azonosító": "tax_number"},
        )
        self.upload(csv_bytes(rows), "again.csv")
        form = self.client.get(f"/imports/{ImportRun.objects.latest('pk').pk}/columns/").context["form"]
        self.assertEqual((form["column_0"].value(), form["column_1"].value()), ("name", "tax_number"))

    def test_the_mapping_needs_the_required_fields(self):
        self.upload(csv_bytes([["Something"], ["x"]]), "x.csv")
        run = ImportRun.objects.latest("pk")
        response = self.map_columns(run)
        self.assertContains(response, "Choose the column that holds “Name”.")

    def test_the_preview_shows_each_cells_error(self):
        self.upload(csv_bytes(partner_rows()), "partners.csv")
        run = ImportRun.objects.latest("pk")
        self.map_columns(run)
        page = self.client.get(f"/imports/{run.pk}/preview/")
        preview = page.context["rows"]
        self.assertEqual(
            [row.outcome for row in preview], ["create", "error", "error", "error", "create", "create"]
        )
        self.assertIn("Enter a valid email address.", preview[2].cells[2][1])
        self.assertEqual(preview[2].cells[0][1], "")  # the name cell of that row is fine
        self.assertContains(page, "3 of them have errors")
        self.assertFalse(Partner.objects.exists())  # a preview writes nothing

    def test_the_failures_download_as_csv_and_xlsx(self):
        run = self.run_file(csv_bytes(partner_rows()), "partners.csv")
        response = self.client.get(f"/imports/{run.pk}/failures.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["Row", "Reason"])
        self.assertEqual([row[0] for row in rows[1:]], ["3", "4", "5"])
        response = self.client.get(f"/imports/{run.pk}/failures.xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual([cell.value for cell in sheet["A"]][1:], ["3", "4", "5"])

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_bad_uploads_get_an_error_next_to_the_field(self):
        response = self.upload(b"Name\r\n" + b"x" * 200, "big.csv")
        self.assertContains(response, "larger than")
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_bad_files_are_refused_with_a_reason(self):
        cases = [
            (b"", "empty.csv", "The submitted file is empty."),
            (b"\r\n\r\n", "blank.csv", "The file is empty: the first row must name the columns."),
            (b"PK\x03\x04garbage", "broken.xlsx", "cannot be read as an Excel workbook"),
            (b"Name\r\n", "header-only.csv", "no data rows"),
            (b"\x00\x01", "x.pdf", "Choose a .xlsx or .csv file."),
        ]
        for data, name, message in cases:
            with self.subTest(name):
                response = self.upload(data, name)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertEqual(ImportRun.objects.count(), 0)


def many_partners(count: int) -> list[list[str]]:
    return [["Name", "City"], *([f"Partner {n:03d} Kft.", "Budapest"] for n in range(1, count + 1))]


class LongFileTests(WizardMixin, TestCase):
    """The upload and the preview read the header and the first 20 rows; the job reads the whole file."""

    def test_the_upload_reads_only_the_head_and_the_job_the_rest(self):
        self.upload(xlsx_bytes(many_partners(30)), "partners.xlsx")
        run = ImportRun.objects.latest("pk")
        self.assertContains(self.client.get(f"/imports/{run.pk}/columns/"), "partners.xlsx: 30 rows of")
        self.map_columns(run)
        preview = self.client.get(f"/imports/{run.pk}/preview/")
        self.assertEqual([row.number for row in preview.context["rows"]], list(range(2, 22)))
        self.assertContains(preview, "Import 30 rows")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/imports/{run.pk}/start/")
        run.refresh_from_db()
        self.assertEqual((run.status, run.created_count, run.processed_rows), (RunStatus.DONE, 30, 30))
        self.assertTrue(Partner.objects.filter(name="Partner 030 Kft.").exists())

    def test_a_long_csv_is_counted_and_previewed_from_its_head(self):
        self.upload(csv_bytes(many_partners(30)) + b"\r\n,\r\n\r\n", "partners.csv")  # blank lines at the end
        run = ImportRun.objects.latest("pk")
        self.assertContains(self.client.get(f"/imports/{run.pk}/columns/"), "partners.csv: 30 rows of")
        self.map_columns(run)
        self.assertEqual(len(self.client.get(f"/imports/{run.pk}/preview/").context["rows"]), 20)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/imports/{run.pk}/start/")
        run.refresh_from_db()
        self.assertEqual((run.status, run.created_count, run.total_rows), (RunStatus.DONE, 30, 30))

    def test_damage_below_the_first_rows_is_reported_by_the_job(self):
        # Row 28 is unreadable: the upload never reaches it (a full read would have refused the file).
        response = self.upload(xlsx_damaged_at(many_partners(30), "A28"), "partners.xlsx")
        self.assertEqual(response.status_code, 302)
        run = ImportRun.objects.latest("pk")
        self.map_columns(run)
        self.assertEqual(len(self.client.get(f"/imports/{run.pk}/preview/").context["rows"]), 20)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/imports/{run.pk}/start/")
        page = self.client.get(f"/imports/{run.pk}/")
        self.assertContains(page, "The file cannot be read as an Excel workbook (.xlsx).")
        self.assertEqual(page.context["run"].status, RunStatus.FAILED)
        self.assertFalse(Partner.objects.exists())  # the whole file is read before any row is written

    @override_settings(IMPORT_MAX_ROWS=25)
    def test_too_many_rows_are_refused_at_the_upload_whatever_the_file_declares(self):
        for data in (xlsx_bytes(many_partners(30)), xlsx_without_dimension(many_partners(30))):
            response = self.upload(data, "partners.xlsx")
            self.assertContains(response, "The file has 30 rows; at most 25 can be imported at once.")
        self.assertFalse(ImportRun.objects.exists())
        # Declared down to row 40 by formatted empty cells, but 20 rows of data: counted, accepted.
        response = self.upload(xlsx_with_formatted_rows_below(many_partners(20), 40), "partners.xlsx")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ImportRun.objects.get().total_rows, 20)

    def test_a_file_without_a_dimension_is_counted(self):
        self.upload(xlsx_without_dimension(many_partners(24)), "partners.xlsx")
        self.assertEqual(ImportRun.objects.get().total_rows, 24)

    def test_the_job_corrects_the_count_the_file_declared(self):
        self.upload(xlsx_with_formatted_rows_below(many_partners(22), 40), "partners.xlsx")
        run = ImportRun.objects.latest("pk")
        self.assertEqual(run.total_rows, 39)  # as the dimension says (A1:B40)
        self.map_columns(run)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/imports/{run.pk}/start/")
        page = self.client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"})
        self.assertContains(page, "22 of 22 rows")
        self.assertEqual(page.context["run"].created_count, 22)


class ProgressTests(WizardMixin, TestCase):
    def test_a_running_import_shows_its_progress_and_keeps_polling(self):
        self.upload(csv_bytes(partner_rows()), "partners.csv")
        run = ImportRun.objects.latest("pk")
        ImportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING, processed_rows=3, created_count=2, failed_count=1
        )
        response = self.client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"})
        self.assertTemplateUsed(response, "imports/_progress.html")
        self.assertContains(response, "3 of 6 rows")
        self.assertContains(response, '<progress value="3" max="6"')
        self.assertContains(response, 'hx-trigger="every 2s"')

    def test_chunks_commit_progress_as_they_go(self):
        from imports import services

        self.upload(csv_bytes(partner_rows()), "partners.csv")
        run = ImportRun.objects.latest("pk")
        self.map_columns(run)
        seen = []
        original = services._import_chunk

        def watching(run, *args):
            seen.append(ImportRun.objects.get(pk=run.pk).processed_rows)
            return original(run, *args)

        services.CHUNK, old = 2, services.CHUNK
        services._import_chunk = watching
        try:
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(f"/imports/{run.pk}/start/")
        finally:
            services.CHUNK, services._import_chunk = old, original
        self.assertEqual(seen, [0, 2, 4])
        run.refresh_from_db()
        self.assertEqual((run.processed_rows, run.status), (6, RunStatus.DONE))

    def test_a_resumed_run_starts_after_its_last_chunk(self):
        from imports.services import import_run_execute

        self.upload(csv_bytes(partner_rows()), "partners.csv")
        run = ImportRun.objects.latest("pk")
        self.map_columns(run)
        # As if the worker died after the first 4 rows were committed.
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, processed_rows=4)
        run = import_run_execute(run_id=run.pk)
        # Rows 6 and 7 only: row 6 repeats row 2, which the dead worker never reached.
        self.assertEqual((run.created_count, run.skipped_count, run.processed_rows), (2, 0, 6))
        self.assertEqual(set(Partner.objects.values_list("name", flat=True)), {"Alfa Kft.", "Epszilon Kft."})


class ContactImportTests(WizardMixin, TestCase):
    def setUp(self):
        super().setUp()
        self.partner = PartnerAccountFactory(
            company=self.company, owner=self.user, partner__tax_number=GOOD_TAX
        ).partner
        PartnerAccountFactory(company=self.company, owner=self.user, partner__name="Béta Bt.")
        ContactTypeFactory(code="financial", name_en="Financial", name_hu="Pénzügyi", cardinality="one")
        ContactTypeFactory(code="sales", name_en="Sales", cardinality="many")

    def rows(self):
        return [
            ["Partner tax number", "Partner", "Last name", "First name", "E-mail", "Type", "Language"],
            [GOOD_TAX, "", "Kovács", "Anna", "anna@alfa.hu", "Pénzügyi", "hu"],  # 2 good
            ["", "Béta Bt.", "Nagy", "Béla", "bela@beta.hu", "sales", ""],  # 3 good, by name
            [GOOD_TAX, "", "Szabó", "Éva", "eva@", "", ""],  # 4 bad e-mail
            [hu_tax_number(7654321), "", "Tóth", "Ede", "ede@x.hu", "", ""],  # 5 unknown partner
            [GOOD_TAX, "", "Kiss", "Ida", "ida@alfa.hu", "financial", ""],  # 6 second financial contact
            [GOOD_TAX, "", "Kovács", "Anna", "ANNA@alfa.hu", "Pénzügyi", "hu"],  # 7 duplicate of 2
            [GOOD_TAX, "", "Varga", "Ödön", "odon@alfa.hu", "boss", "xx"],  # 8 unknown type and language
        ]

    def test_contacts_with_good_bad_and_duplicate_rows(self):
        with self.settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            run = self.run_file(xlsx_bytes(self.rows()), "contacts.xlsx", kind="contacts")
        self.assertEqual(
            (run.created_count, run.updated_count, run.skipped_count, run.failed_count), (2, 0, 1, 4)
        )
        failures = {failure["row"]: failure["reason"] for failure in run.failures}
        self.assertEqual(sorted(failures), [4, 5, 6, 8])
        self.assertIn("No partner", failures[5])
        self.assertIn("Only one is allowed per partner", failures[6])
        self.assertIn("Unknown contact type: boss", failures[8])
        anna = Contact.objects.get(email="anna@alfa.hu")
        self.assertEqual((anna.partner, anna.preferred_language), (self.partner, "hu"))
        self.assertEqual([role.type.code for role in anna.roles.all()], ["financial"])
        # The GDPR notice of each new address, through the same service (and outbox) as the form.
        self.assertEqual(
            set(GdprNotice.objects.filter(company=self.company).values_list("recipient", flat=True)),
            {"anna@alfa.hu", "bela@beta.hu"},
        )
        from django.core import mail

        self.assertEqual(sorted(message.to[0] for message in mail.outbox), ["anna@alfa.hu", "bela@beta.hu"])
        again = self.run_file(xlsx_bytes(self.rows()), "contacts.xlsx", kind="contacts")
        self.assertEqual((again.created_count, again.failed_count), (0, 4))
        self.assertEqual(Contact.objects.count(), 2)
        self.assertEqual(GdprNotice.objects.count(), 2)

    def test_the_gdpr_notice_task_goes_to_the_bulk_queue(self):
        from django.conf import settings

        self.assertEqual(settings.CELERY_TASK_ROUTES["contacts.tasks.send_gdpr_notice"]["queue"], "bulk")
        from unittest import mock

        from imports.tasks import run_import

        self.upload(csv_bytes(self.rows()), "contacts.csv", kind="contacts")
        run = ImportRun.objects.latest("pk")
        self.map_columns(run)
        with (
            mock.patch.object(run_import, "apply_async") as queued,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(f"/imports/{run.pk}/start/")
        queued.assert_called_once_with((run.pk,), queue="bulk")

    def test_a_partner_the_user_does_not_see_is_not_found(self):
        colleague = member(self.company, "partners.view_partner")
        PartnerAccountFactory(company=self.company, owner=colleague, partner__tax_number=OTHER_TAX)
        rows = [["Partner tax number", "Last name"], [OTHER_TAX, "Rejtett"]]
        run = self.run_file(csv_bytes(rows), "hidden.csv", kind="contacts")
        self.assertEqual(run.failed_count, 1)
        self.assertIn("among the partners you see", run.failures[0]["reason"])
        self.assertFalse(Contact.objects.filter(last_name="Rejtett").exists())


class AccessTests(WizardMixin, TestCase):
    def test_without_the_function_the_wizard_answers_403(self):
        outsider = member(self.company, "partners.view_partner", "partners.add_partner")
        self.client.force_login(outsider)
        self.assertEqual(self.client.get("/imports/").status_code, 403)

    def test_the_kinds_offered_follow_the_create_functions(self):
        partners_only = member(self.company, "imports.run_import", "partners.add_partner")
        self.client.force_login(partners_only)
        form = self.client.get("/imports/").context["form"]
        self.assertEqual([value for value, _label in form.fields["kind"].choices], ["partners"])
        response = self.upload(csv_bytes([["Last name"], ["x"]]), "c.csv", kind="contacts")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ImportRun.objects.exists())

    def test_another_company_and_a_sibling_cannot_see_an_import(self):
        run = self.run_file(csv_bytes(partner_rows()), "partners.csv")
        other_company_user = member(CompanyFactory(), *IMPORTER)
        sibling = member(self.company, *IMPORTER)
        urls = [
            f"/imports/{run.pk}/",
            f"/imports/{run.pk}/columns/",
            f"/imports/{run.pk}/preview/",
            f"/imports/{run.pk}/failures.csv",
            f"/imports/{run.pk}/failures.xlsx",
        ]
        for user in (other_company_user, sibling):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(f"/imports/{run.pk}/start/").status_code, 404)
            self.assertNotContains(self.client.get("/imports/"), "partners.csv")

    def test_a_supervisor_sees_the_result_but_cannot_set_up_the_run(self):
        boss = member(self.company, *IMPORTER)
        supervise(self.company, boss, self.user)
        self.upload(csv_bytes(partner_rows()), "partners.csv")
        run = ImportRun.objects.latest("pk")
        self.client.force_login(boss)
        self.assertEqual(self.client.get(f"/imports/{run.pk}/columns/").status_code, 403)
        self.assertEqual(self.client.post(f"/imports/{run.pk}/start/").status_code, 403)
        self.assertContains(self.client.get("/imports/"), "partners.csv")

    def test_the_job_stops_when_the_user_lost_the_function(self):
        from imports.services import import_run_execute

        self.upload(csv_bytes(partner_rows()), "partners.csv")
        run = ImportRun.objects.latest("pk")
        self.map_columns(run)
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
        self.user.memberships.update(is_active=False)
        run = import_run_execute(run_id=run.pk)
        self.assertEqual(run.status, RunStatus.FAILED)
        self.assertIn("may no longer import", run.error)
        self.assertFalse(Partner.objects.exists())


class CommandTests(TestCase):
    def test_the_command_imports_a_file_with_progress_and_a_summary(self):
        import tempfile
        from pathlib import Path

        from django.core.management import call_command

        company = CompanyFactory(code="alfa")
        member(company, *IMPORTER, username="importer")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "partners.xlsx"
            path.write_bytes(xlsx_bytes(partner_rows()))
            out, err = io.StringIO(), io.StringIO()
            call_command(
                "import_sheet",
                str(path),
                kind="partners",
                company="alfa",
                user="importer",
                stdout=out,
                stderr=err,
            )
        self.assertIn("6 of 6 rows", out.getvalue())
        self.assertIn("Finished: created 2, updated 0, skipped 1, failed 3.", out.getvalue())
        self.assertIn("row 3: Tax number:", err.getvalue())
        self.assertTrue(Partner.objects.filter(tax_number=GOOD_TAX).exists())


class FallbackTests(WizardMixin, TestCase):
    def test_when_the_database_refuses_a_chunks_new_rows_they_go_one_by_one(self):
        from unittest import mock

        from django.db import IntegrityError

        from imports.rows import PartnerRows

        with mock.patch.object(PartnerRows, "create_many", side_effect=IntegrityError("duplicate key")):
            run = self.run_file(csv_bytes(partner_rows()), "partners.csv")
        # The same result as the set-based path: every good row in, each bad one reported alone.
        self.assertEqual((run.created_count, run.skipped_count, run.failed_count), (2, 1, 3))
        self.assertEqual([failure["row"] for failure in run.failures], [3, 4, 5])
        self.assertTrue(Partner.objects.filter(tax_number=GOOD_TAX).exists())
