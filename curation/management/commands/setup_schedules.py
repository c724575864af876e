from django.core.management.base import BaseCommand

from curation.schedules import ensure_schedules


class Command(BaseCommand):
    help = "Create or update the django-q2 schedule of every workflow (safe to run again)."

    def handle(self, *args, **options):
        for schedule in ensure_schedules():
            self.stdout.write(f"{schedule.name}: every {schedule.minutes} min ({schedule.func})")
