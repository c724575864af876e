"""django-q2 schedules for every registered workflow, created idempotently."""

from django.conf import settings
from django_q.models import Schedule

from curation import workflows


def schedule_name(workflow_name: str) -> str:
    return f"tick {workflow_name}"


def ensure_schedules() -> list[Schedule]:
    """One schedule per workflow, by name: running this again updates, never duplicates."""
    schedules = []
    for workflow in workflows.all_workflows():
        schedule, _ = Schedule.objects.update_or_create(
            name=schedule_name(workflow.name),
            defaults={
                "func": "curation.runner.run_tick",
                "args": repr(workflow.name),
                "schedule_type": Schedule.MINUTES,
                "minutes": settings.PAGE_CURATION_SCHEDULER_INTERVAL_MINUTES,
                "repeats": -1,
            },
        )
        schedules.append(schedule)
    return schedules


def on_post_migrate(sender, **kwargs) -> None:
    ensure_schedules()
