"""The JSON API: v3 (`/api/v3/`, docs at `/api/v3/docs`), the small v2 kept for old clients,
and `/healthz`. Every error answers JSON `{"detail": "<one readable sentence>"}`.
"""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from contacts.api import router as contacts_router
from curation import stats
from curation.auth import api_auth, failure_message
from pages.api import router as pages_router
from pages.api import v2_router

logger = logging.getLogger(__name__)

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in a sentence."}},
    "required": ["detail"],
    "example": {"detail": "Authentication required: send 'Authorization: Bearer <token>' …"},
}
VALIDATION_ERROR_SCHEMA = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "required": ["detail", "errors"],
    "example": {
        "detail": "Invalid request: page_ids[0]: Input should be a valid UUID, invalid length: "
        "expected length 32 for simple format, found 3.",
        "errors": [
            {
                "loc": ["body", "payload", "page_ids", 0],
                "msg": "Input should be a valid UUID, invalid length: …",
                "type": "uuid_parsing",
            }
        ],
    },
}
ERROR_RESPONSES = {
    400: "The body is not valid JSON.",
    401: "No credentials, or a wrong or revoked token.",
    403: "Session login without the CSRF token.",
    404: "No such object.",
    413: "The body is too large.",
    422: "A value is missing, of the wrong type or out of range.",
}


class DocumentedAPI(NinjaAPI):
    """Adds the JSON error answers every operation can give to its OpenAPI description."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ERROR_SCHEMA
        components["ValidationError"] = VALIDATION_ERROR_SCHEMA
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                codes: list[int] = []
                if operation.get("security"):
                    codes += [401]
                if operation.get("requestBody"):
                    codes += [400, 403, 413]
                if operation.get("requestBody") or operation.get("parameters"):
                    codes += [422]
                if "{" in path:
                    codes += [404]
                for code in codes:
                    ref = "ValidationError" if code == 422 else "Error"
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": ERROR_RESPONSES[code],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{ref}"}
                                }
                            },
                        },
                    )
        return schema


api = DocumentedAPI(
    title="ScraperSky API",
    version="3",
    description=(
        "Select pages for contact extraction and read what was found. Authenticate with "
        "`Authorization: Bearer <token>` (tokens come from `manage.py create_api_token`); a "
        "staff member logged in to the admin may also call it from the browser."
    ),
    urls_namespace="api-v3",
    auth=api_auth(),
)
api_v2 = DocumentedAPI(
    title="ScraperSky API (v2, legacy)",
    version="2",
    description="The status route of the old system, for its clients. New code uses v3.",
    urls_namespace="api-v2",
    auth=api_auth(),
)


def describe_error(error: dict[str, Any]) -> str:
    """'page_ids[0]: Input should be a valid UUID …' from one pydantic error."""
    loc = list(error.get("loc", ()))
    # ninja prefixes the source ("body", "query", "path") and, for a body, the argument name.
    source = loc.pop(0) if loc else ""
    if source == "body" and loc and loc[0] == "payload":
        loc.pop(0)
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else str(part)
    where = where or ("request body" if source == "body" else source or "request")
    message = error.get("msg", "is invalid")
    if error.get("type") == "missing":
        message = "this field is required"
    elif error.get("type") == "too_long" and where in ("page_ids", "ids", "urls"):
        message = f"{message} (the batch limit; split the request)"
    return f"{where}: {message}"


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in exc.errors
    ]
    shown = [describe_error(e) for e in errors[:5]]
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    detail = "Invalid request: " + "; ".join(shown) + more + "."
    return JsonResponse({"detail": detail, "errors": errors}, status=422)


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        cause = exc.__cause__
        reason = f" ({cause})" if cause else ""
        message = (
            f"The request body is not valid JSON{reason}: send a JSON object with "
            "Content-Type: application/json."
        )
    return JsonResponse({"detail": message}, status=exc.status_code)


def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = JsonResponse({"detail": failure_message(request)}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return JsonResponse(
        {"detail": "The request body is too large: send fewer items per request."}, status=413
    )


def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return JsonResponse({"detail": f"Bad request: {exc}"}, status=400)


def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    logger.warning("API %s %s: the database refused a value: %s", request.method, request.path, exc)
    return JsonResponse(
        {"detail": "The database refused a value in the request: check its size and characters."},
        status=400,
    )


def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API %s %s failed", request.method, request.path)
    return JsonResponse(
        {"detail": "Internal error: it has been logged; try again or tell the operators."},
        status=500,
    )


for _api in (api, api_v2):
    _api.add_exception_handler(ValidationError, validation_error)
    _api.add_exception_handler(HttpError, http_error)
    _api.add_exception_handler(AuthenticationError, authentication_error)
    _api.add_exception_handler(RequestDataTooBig, body_too_big)
    _api.add_exception_handler(SuspiciousOperation, suspicious)
    _api.add_exception_handler(DataError, data_error)
    _api.add_exception_handler(Exception, server_error)

api.add_router("/", pages_router)
api.add_router("/", contacts_router)
api.add_router("/", "pages.domains_api.router")
api.add_router("/", "contacts.scan_api.router")
api_v2.add_router("/", v2_router)


class StatusPair(Schema):
    curation_status: str = Field(..., examples=["Selected"])
    processing_status: str | None = Field(..., examples=["Queued"])
    count: int = Field(..., examples=[12])


class Heartbeat(Schema):
    workflow: str = Field(..., examples=["page_extraction"])
    last_tick_at: datetime
    age_seconds: float = Field(..., examples=[12.5])
    last_tick_seconds: float
    last_tick_processed: int
    hostname: str


class PipelineStats(Schema):
    generated_at: datetime
    status_pairs: list[StatusPair]
    queue_depth: int = Field(..., description="Pages Queued.", examples=[40])
    oldest_queued_age_seconds: float | None = Field(..., examples=[75.2])
    processing: int = Field(..., description="Pages Processing now.")
    stuck: int = Field(..., description="Processing for longer than the lease (dead worker?).")
    orphaned: int = Field(..., description="Selected but never queued.")
    finished_last_5_minutes: int
    finished_last_60_minutes: int
    contacts_total: int
    contacts_last_hour: int
    contacts_last_day: int
    last_heartbeat_at: datetime | None
    heartbeat_age_seconds: float | None
    heartbeats: list[Heartbeat]
    scraper_api_requests_today: int
    scraper_api_credits_today: int = Field(..., description="Estimated ScraperAPI credits.")


@api.get("/stats", response=PipelineStats, tags=["stats"], summary="Pipeline statistics")
def pipeline_stats(request):
    """Pages per (curation, processing) status pair, the queue's depth and age, stuck and
    orphaned pages, throughput, contacts found lately, the worker heartbeat and ScraperAPI
    credits spent today."""
    return stats.pipeline_stats()


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (with the age of the last worker tick); 503 otherwise."""
    try:
        age = stats.heartbeat_age_seconds()
    except DatabaseError as exc:
        logger.error("healthz: database error: %s", exc)
        return JsonResponse(
            {"status": "error", "database": f"error: {type(exc).__name__}"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "heartbeat_age_seconds": age})
