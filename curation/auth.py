"""Who may call the JSON API: a bearer token (ApiToken) or a staff member's Django session.

Both return the user, so `request.auth` is always the user who acted.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from curation.models import ApiToken

NO_CREDENTIALS = (
    "Authentication required: send 'Authorization: Bearer <token>' "
    "(create one with `manage.py create_api_token USERNAME`), or log in to the admin as staff."
)
BAD_TOKEN = (
    "The API token is wrong, revoked, or belongs to an inactive user: "
    "check it with `manage.py create_api_token --list`."
)


def failure_message(request: HttpRequest) -> str:
    """The sentence a 401 answers with: why the credentials sent were not enough."""
    return getattr(request, "_api_auth_failure", NO_CREDENTIALS)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token.strip())
        if user is None:
            request._api_auth_failure = BAD_TOKEN
        return user


class StaffSession(APIKeyCookie):
    """A logged-in, active staff user; unsafe methods also need the CSRF token, as Django forms do.

    Unlike ninja's SessionAuthIsStaff, CSRF is checked only once a staff session is present, so
    a request with no session (or a non-staff one) is a 401, not a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise HttpError(
                403,
                "CSRF check failed: with session login, send the csrftoken cookie's value in "
                "an X-CSRFToken header (or use a bearer token instead).",
            )
        return user


def api_auth() -> list:
    return [BearerToken(), StaffSession()]
