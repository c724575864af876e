from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the sitemap-import workflow (an in-memory table; no database work here).
        from pages import sitemap_import  # noqa: F401
