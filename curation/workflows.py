"""The registry of workflows: which model a queue drains and what processes one row.

Apps register their workflows in `AppConfig.ready()` (an in-memory table, no database work);
`curation` itself imports no app model.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Workflow:
    name: str
    model_label: str  # "app_label.ModelName", a model inheriting curation.models.CurationModel
    # process(row) -> result, on a pool thread, outside any transaction (fetch, parse…).
    # Raising marks the row Error with the exception's message (ProcessingFailed: and fields).
    # Without `save`, the result is the dict of extra fields stored when the row is Complete.
    process: Callable[[Any], Any]
    # save([(row, result), …]) -> [fields, …]: writes the results of several rows at once on
    # the tick's own thread, returning for each row the fields stored with Complete.
    save: Callable[[list[tuple[Any, Any]]], list[dict[str, Any]]] | None = None
    # The column rows are throttled by (e.g. "domain_id"): at most FETCH_PER_DOMAIN_CONCURRENCY
    # rows with the same value are Processing at once, across all workers (a NOT NULL column:
    # rows without a value are not limited). None: no limit.
    concurrency_field: str | None = None
    # Related objects process() needs, fetched with the claimed rows in one query.
    select_related: tuple[str, ...] = field(default_factory=tuple)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


_registry: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _registry[workflow.name] = workflow
    return workflow


def get(name: str) -> Workflow:
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise LookupError(f"Unknown workflow {name!r} (known: {known}).") from None


def for_model(model: type[models.Model]) -> Workflow | None:
    label = model._meta.label
    return next((w for w in _registry.values() if w.model_label == label), None)


def all_workflows() -> list[Workflow]:
    return list(_registry.values())


class ProcessingFailed(Exception):
    """Raised by a process function: the row becomes Error with this message and these fields."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.fields = fields
