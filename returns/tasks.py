"""Background work of the returns app, on the task queue in the database (django-tasks with its
database backend; `manage.py db_worker` runs the jobs). A job's arguments are ids only: the
worker reads the records itself, so nothing about a child sits on the queue."""

import logging
import subprocess

from django_tasks import task

from . import sector

logger = logging.getLogger(__name__)


@task()
def run_sector_validator(run_id):
    """Run the sector's validator for a SectorValidatorRun asked for on a checks page: build the
    return as it is now, run the validator, keep its issues (or why it failed) on the run, then
    prune the old runs. Returns the run's status and the number of issues (kept on the queue)."""
    run = sector.start(run_id)
    if run is None:  # given up, pruned, or taken by another worker
        return {"run": run_id, "status": "skipped"}
    try:
        result = sector.check(run.kind, run.year)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        sector.finish(run, error=sector.failure_message(error))
    except (KeyboardInterrupt, SystemExit):
        sector.finish(run, error="The background worker was stopped before the run finished. " + sector.AGAIN)
        raise
    except BaseException:
        # Not the validator's fault: say so on the run, and let the queue keep the traceback.
        sector.finish(run, error="Something went wrong in the service while preparing the return. " + sector.AGAIN)
        logger.error("sector validator run %s failed in the service", run_id)
        raise
    else:
        sector.finish(run, result)
    sector.prune_runs()
    return {"run": run_id, "status": run.status, "issues": len(run.issues)}


@task()
def run_return_job(job_id):
    """Do a check or an export asked for on a returns page (returns.jobs.ReturnJob): its
    progress, then its findings or its file, are kept on the job. Returns its status."""
    from . import jobs

    return {"job": job_id, "status": jobs.run(job_id)}
