import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from pages.models import Domain, Page


class EmailType(models.TextChoices):
    SERVICE = "SERVICE", "Service (role mailbox)"
    CORPORATE = "CORPORATE", "Corporate"
    FREE = "FREE", "Free webmail"
    UNKNOWN = "UNKNOWN", "Unknown"


class ContactSource(models.TextChoices):
    MAILTO = "mailto", "mailto link"
    TEL = "tel", "tel link"
    TEXT = "text", "Visible text"
    ATTRIBUTE = "attribute", "HTML attribute"
    CLOUDFLARE = "cloudflare", "Cloudflare-protected"
    JSONLD = "jsonld", "JSON-LD"
    MICRODATA = "microdata", "Microdata / hCard"
    OBFUSCATED = "obfuscated", "Obfuscated text"
    SCRIPT = "script", "Inline script"


class Contact(models.Model):
    """A person or mailbox found on a page.

    One per (domain, email) compared case-insensitively; one per (domain, phone) without email.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="contacts")
    page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text="The page it was first found on.",
    )
    email = models.CharField(max_length=320, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=20, blank=True, default="", help_text="E.164")
    email_type = models.CharField(max_length=16, choices=EmailType.choices, blank=True, default="")
    source = models.CharField(max_length=16, choices=ContactSource.choices, blank=True, default="")
    context = models.CharField(max_length=300, blank=True, default="")
    first_seen = models.DateTimeField(auto_now_add=True, db_index=True)
    last_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_seen"]
        constraints = [
            models.UniqueConstraint(
                "domain",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_unique_email_per_domain",
                violation_error_message="This domain already has a contact with this email.",
            ),
            models.UniqueConstraint(
                "domain",
                "phone",
                condition=Q(email=""),
                name="contact_unique_phone_per_domain",
                violation_error_message="This domain already has a contact with this phone.",
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="contact_has_email_or_phone",
                violation_error_message="A contact needs an email or a phone.",
            ),
        ]
        indexes = [models.Index(fields=["email_type"], name="contact_email_type")]

    def __str__(self) -> str:
        label = self.email or self.phone
        return f"{self.name} <{label}>" if self.name else label

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip()
        super().save(*args, **kwargs)


class ScanStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ScanJob(models.Model):
    """One "scan this website for emails" request (SPEC section 6).

    The pages and contacts it finds are stored as Page and Contact rows; the job keeps only its
    status, progress and a summary. At most one pending or running job per domain.
    """

    ACTIVE = (ScanStatus.PENDING, ScanStatus.RUNNING)
    EMAIL_SCAN = "email_scan"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_type = models.CharField(max_length=32, default=EMAIL_SCAN, editable=False)
    status = models.CharField(
        max_length=16, choices=ScanStatus.choices, default=ScanStatus.PENDING, db_index=True
    )
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="scan_jobs")
    start_url = models.URLField(
        max_length=2048, blank=True, default="", help_text="Where the crawl begins."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scan_jobs",
    )
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    result = models.JSONField(
        default=dict, blank=True, help_text="pages_visited, emails_found, contacts_created."
    )
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(status__in=["pending", "running"]),
                name="scanjob_one_active_per_domain",
                violation_error_message="This domain already has a pending or running scan.",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1),
                name="scanjob_progress_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_type} {self.domain_id} ({self.status})"
