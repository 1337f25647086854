"""Durable scheduled jobs: deadline checks, callbacks and surveys that survive a restart."""

from storage.jobs.models import Job
from storage.jobs.service import (
    JobStatus,
    cancel_jobs,
    claim_due_jobs,
    complete_job,
    fail_job,
    get_job,
    retry_delay,
    schedule_job,
)

__all__ = [
    "Job",
    "JobStatus",
    "cancel_jobs",
    "claim_due_jobs",
    "complete_job",
    "fail_job",
    "get_job",
    "retry_delay",
    "schedule_job",
]
