from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the page-extraction workflow (an in-memory table; no database work here).
        from contacts import workflow  # noqa: F401
