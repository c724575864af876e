from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from curation.models import ApiToken


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = (
        "Create an API token for a user (printed once; only its hash is kept), list tokens "
        "(--list) or revoke one by its prefix (--revoke PREFIX)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The user the new token acts as.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'crm sync'.")
        parser.add_argument(
            "--list", dest="show", action="store_true", help="List tokens (of USERNAME)."
        )
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token with this prefix.")

    def handle(self, *args, username, name, show, revoke, **options):
        if show:
            return self.list_tokens(username)
        if revoke:
            return self.revoke(revoke)
        if not username:
            raise CommandError("Give a USERNAME (or --list, or --revoke PREFIX).")
        try:
            user = get_user_model()._default_manager.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"No user {username!r}: create one first (manage.py createsuperuser)."
            ) from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive: its tokens would not work.")
        token, raw = ApiToken.issue(user, name=name)
        self.stdout.write(
            f"Created API token {token.prefix}… for {username}"
            f"{f' ({name})' if name else ''}. It is shown only this once:"
        )
        self.stdout.write(raw)
        self.stdout.write("Use it as the header: Authorization: Bearer <token>")

    def list_tokens(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        rows = [
            (
                t.prefix,
                t.user.get_username(),
                t.name or "-",
                when(t.created_at),
                when(t.last_used_at),
                when(t.revoked_at),
            )
            for t in tokens
        ]
        if not rows:
            self.stdout.write("No API tokens.")
            return
        header = ("PREFIX", "USER", "NAME", "CREATED", "LAST USED", "REVOKED")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )

    def revoke(self, prefix: str) -> None:
        matches = ApiToken.objects.filter(prefix=prefix[: ApiToken.PREFIX_LENGTH])
        active = matches.filter(revoked_at__isnull=True)
        if not matches.exists():
            raise CommandError(f"No token with prefix {prefix!r} (see --list).")
        if not active.exists():
            self.stdout.write(f"Token {prefix} was already revoked; nothing changed.")
            return
        if active.count() > 1:
            raise CommandError(f"Several active tokens start with {prefix!r}; nothing revoked.")
        token = active.select_related("user").get()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.stdout.write(f"Revoked token {token.prefix}… of {token.user.get_username()}.")
