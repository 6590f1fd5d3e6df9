"""Background work of linkage, on the task queue in the database (django-tasks with its
database backend; `manage.py db_worker` runs the jobs). A job's argument is the run's id only:
the worker reads the records itself, so nothing about a child sits on the queue or in a log."""

from django_tasks import task

from . import services


@task()
def run_linkage(run_id):
    """Score a submission's records against the person index (linkage.services.link_records)."""
    return {"run": run_id, "status": services.link_records(run_id)}


@task()
def find_duplicates(check_id):
    """Check the person index for likely duplicates of each other (linkage.dedupe)."""
    from . import dedupe

    return {"check": check_id, "status": dedupe.find_duplicates(check_id)}
