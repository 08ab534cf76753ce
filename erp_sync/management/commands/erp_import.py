from django.core.management.base import BaseCommand

from erp_sync.importer import run_import


class Command(BaseCommand):
    help = (
        "Import the changes from the ERP now (--full: everything). Prints each page's counts as it goes, "
        "then the run's counts and errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="full resync instead of the changes")
        parser.add_argument("--quiet", action="store_true", help="only the summary, no line per page")

    def handle(self, *args, full: bool, quiet: bool, **options) -> None:
        def progress(kind: str, page: int, page_counts: dict[str, int], counts: dict) -> None:
            done = sum(counts.get(kind, {}).values())
            this_page = (
                ", ".join(f"{name} {value}" for name, value in sorted(page_counts.items())) or "nothing"
            )
            self.stdout.write(f"  {kind:<10} page {page:>4}: {this_page} ({done} {kind} so far)")

        run = run_import(full=full, trigger="command", progress=None if quiet else progress)
        self.stdout.write(
            f"Run {run.pk}: {run.get_status_display()} ({run.started_at:%Y-%m-%d %H:%M} → {run.finished_at:%H:%M:%S})"
        )
        for kind, counts in run.counts.items():
            self.stdout.write(
                f"  {kind:<10} " + ", ".join(f"{name} {value}" for name, value in sorted(counts.items()))
            )
        for error in run.errors.all()[:20]:
            self.stdout.write(self.style.WARNING(f"  skipped {error.kind} {error.erp_id}: {error.message}"))
        if run.error:
            self.stdout.write(self.style.ERROR(run.error))
