import io

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from curation.schedules import ensure_schedules, schedule_name

pytestmark = pytest.mark.django_db


def test_setup_twice_leaves_one_schedule_per_workflow(settings):
    ensure_schedules()
    settings.PAGE_CURATION_SCHEDULER_INTERVAL_MINUTES = 2
    call_command("setup_schedules", stdout=io.StringIO())
    schedule = Schedule.objects.get(name=schedule_name("page_extraction"))
    assert schedule.minutes == 2
    assert schedule.func == "curation.runner.run_tick"
    assert Schedule.objects.filter(name=schedule_name("page_extraction")).count() == 1


def test_migrate_creates_the_schedules():
    # The test database was built by migrate: its post_migrate handler ran.
    assert Schedule.objects.filter(name=schedule_name("page_extraction")).exists()
