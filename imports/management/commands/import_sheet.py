"""Import a spreadsheet from the command line, through the same run as the wizard (mapping guessed or
remembered, the job run here), printing progress and the result."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from companies.models import Company, User
from imports.models import Encoding, ImportKind, ImportRun, Matching, RunStatus
from imports.reading import SheetError
from imports.rows import ROWS
from imports.services import import_mapping_save, import_run_create, import_run_execute, suggested_mapping


class Command(BaseCommand):
    help = "Import partners or contacts from a .xlsx or .csv file as a user of a company (as /imports/ does)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=ImportKind.values, required=True)
        parser.add_argument("--company", required=True, help="the company's code")
        parser.add_argument("--user", required=True, help="username of the member who imports (owner, actor)")
        parser.add_argument("--matching", choices=Matching.values, default=Matching.UPDATE)
        parser.add_argument("--encoding", choices=Encoding.values, default=Encoding.AUTO)

    def handle(
        self, *args, path: str, kind: str, company: str, user: str, matching: str, encoding: str, **options
    ):
        company_obj = Company.objects.filter(code=company).first()
        actor = User.objects.filter(username=user).first()
        if company_obj is None or actor is None:
            raise CommandError(f"No company {company!r} or no user {user!r}.")
        file = Path(path)
        try:
            upload = SimpleUploadedFile(file.name, file.read_bytes())
            run = import_run_create(
                company=company_obj, actor=actor, upload=upload, kind=kind, encoding=encoding
            )
        except (OSError, SheetError) as error:
            raise CommandError(str(error)) from None
        mapping = suggested_mapping(run)
        self.stdout.write(
            "Columns: " + ", ".join(f"{header} -> {field or '-'}" for header, field in mapping.items())
        )
        problems = ROWS[kind].mapping_errors(mapping)
        if problems:
            raise CommandError(" ".join(problems))
        import_mapping_save(run=run, mapping=mapping, matching=matching, actor=actor)
        ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
        self.stdout.write(f"Importing {run.total_rows} rows (run {run.pk}) ...")
        run = import_run_execute(
            run_id=run.pk, progress=lambda done, total: self.stdout.write(f"  {done} of {total} rows")
        )
        self.stdout.write(
            f"{run.get_status_display()}: created {run.created_count}, updated {run.updated_count}, "
            f"skipped {run.skipped_count}, failed {run.failed_count}."
        )
        for failure in run.failures[:50]:
            self.stderr.write(f"row {failure['row']}: {failure['reason']}")
        if run.error:
            raise CommandError(run.error)
