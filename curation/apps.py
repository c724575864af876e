from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation workflows"

    def ready(self) -> None:
        from curation.schedules import on_post_migrate

        # Schedules are rows: created after migrate (and by `setup_schedules`), never here.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="curation-schedules")
