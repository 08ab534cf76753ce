from celery import shared_task

from imports.services import import_run_execute


# Queued on the bulk queue by imports.services.import_run_start (a long batch job, like the ERP import).
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def run_import(self, run_id: int) -> str:
    """Import one uploaded sheet (imports.services.import_run_execute). A run redelivered after its
    worker died resumes after its last committed chunk, so no row is written twice; an unexpected
    error stops the run with the error shown on its page (rows already imported stay)."""
    run = import_run_execute(run_id=run_id)
    return run.status if run else "missing"
