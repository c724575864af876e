import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from curation.models import CurationModel
from pages.links import InvalidURL, host_of, normalize_url


class Domain(CurationModel):
    """A website, by host name. Its curation statuses drive the sitemap-import workflow."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=253, unique=True, help_text="Host name, lowercased.")
    # Sitemap import options (SPEC section 7), read when the domain is processed.
    sitemap_url_pattern = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text="A regular expression page URLs must contain to be imported; empty takes all.",
    )
    sitemap_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Most pages to import from the sitemaps; empty uses the "
        "SITEMAP_MAX_PAGES_PER_DOMAIN setting.",
    )
    auto_select_contact_pages = models.BooleanField(
        default=False,
        help_text="Select the imported contact, team and about pages for extraction at once.",
    )
    pages_imported = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pages the last sitemap import created."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CurationModel.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Before the form's uniqueness check: "Example.org" is the existing "example.org".
        self.name = self.name.strip().lower().rstrip(".")

    def save(self, *args, **kwargs) -> None:
        self.name = self.name.strip().lower().rstrip(".")
        super().save(*args, **kwargs)

    @classmethod
    def for_hosts(cls, hosts: set[str]) -> dict[str, "Domain"]:
        """Domains for these host names, created in bulk where missing."""
        if not hosts:
            return {}
        cls.objects.bulk_create([cls(name=h) for h in hosts], ignore_conflicts=True)
        return {d.name: d for d in cls.objects.filter(name__in=hosts)}


class PageSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    IMPORT = "import", "Import"
    SITEMAP = "sitemap", "Sitemap"
    SCAN = "scan", "Website scan"


class PageType(models.TextChoices):
    CONTACT = "contact"
    ABOUT = "about"
    TEAM = "team"
    CAREERS = "careers"
    LEGAL = "legal"
    SERVICES = "services"
    BLOG = "blog"
    OTHER = "other"


class Page(CurationModel):
    """One URL to extract contacts from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2048, unique=True)
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="pages")
    title = models.CharField(max_length=500, blank=True, default="")
    source = models.CharField(max_length=16, choices=PageSource.choices, default=PageSource.MANUAL)
    page_type = models.CharField(max_length=16, choices=PageType.choices, blank=True, default="")
    page_type_confidence = models.FloatField(null=True, blank=True)
    path_depth = models.PositiveSmallIntegerField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2048, blank=True, default="")
    contacts_found = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CurationModel.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        try:
            self.url = normalize_url(self.url)
        except InvalidURL as exc:
            raise ValidationError({"url": str(exc)}) from None

    def save(self, *args, **kwargs) -> None:
        self.url = normalize_url(self.url)
        if self.domain_id is None:
            self.domain = Domain.for_hosts({host_of(self.url)})[host_of(self.url)]
        super().save(*args, **kwargs)


class ScraperApiUsage(models.Model):
    """Estimated ScraperAPI credits spent per day (SPEC section 4)."""

    day = models.DateField(unique=True)
    requests = models.PositiveIntegerField(default=0)
    credits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.credits} credits"

    @classmethod
    def record(cls, credits: int) -> None:
        today = timezone.localdate()
        cls.objects.bulk_create([cls(day=today)], ignore_conflicts=True)
        cls.objects.filter(day=today).update(
            requests=F("requests") + 1, credits=F("credits") + credits
        )
