"""Reading and writing django-simple-history records in bulk.

The timeline of one object is built from its historical rows and the historical rows of its
many-to-many fields, loaded once; names of referenced rows are looked up in one query per
related model. No query per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import get_history_manager_for_model

from actionplan.display import date_display, datetime_display, number_display, person_display


class History(HistoricalRecords):
    """HistoricalRecords that stays reachable from its model, to write a record by hand."""

    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender._history_records = self


class AdjustmentMark(models.Model):
    """On a historical record: whether the change adjusts the plan (*bijsturing*, listed in
    the evaluations) or only corrects it (a typo, a wrong link: not an adjustment)."""

    is_adjustment = models.BooleanField(_("bijsturing"), default=False)

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _mark_adjustment(sender: type[models.Model], **kwargs: Any) -> None:
    # History plumbing, not a rule: carries the service's flag onto the record it writes.
    record = kwargs["history_instance"]
    if isinstance(record, AdjustmentMark):
        record.is_adjustment = bool(getattr(kwargs["instance"], "_history_is_adjustment", False))


HISTORY_TYPE_LABELS = {"+": _("aangemaakt"), "~": _("gewijzigd"), "-": _("verwijderd")}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    date: datetime
    user: str
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    # What changed, when a timeline covers several objects (e.g. "Meting 2026: …").
    subject: str = ""


def _empty(value: object) -> bool:
    # Not ``value in (None, "", False)``: a measured 0 equals False.
    return value is None or value is False or (isinstance(value, str | dict | list) and not value)


def _display(value: object, names: dict[Any, str], choices: dict[Any, str]) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    if names:
        return names.get(value, f"#{value}")
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, Decimal):
        return number_display(value)
    if isinstance(value, datetime):
        return datetime_display(value)
    if isinstance(value, date):
        return date_display(value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def timeline(
    instance: models.Model,
    *,
    exclude: Iterable[str] = ("id",),
    limit: int = 200,
) -> list[TimelineEntry]:
    """Who changed what and when, newest first, with old → new per field."""
    model = type(instance)
    manager = get_history_manager_for_model(instance)
    records = list(manager.select_related("history_user").order_by("history_date", "history_id"))
    records = records[-limit - 1 :]
    if not records:
        return []
    fields = _shown_fields(model, records, exclude)
    names = _related_names(records, fields)
    m2m = _m2m_values(model, records)

    entries: list[TimelineEntry] = []
    previous = None
    for record in records:
        entries.append(_entry(record, previous, fields, names, m2m))
        previous = record
    if len(records) > limit:
        entries = entries[1:]
    entries.reverse()
    return entries


def _shown_fields(
    model: type[models.Model], records: Sequence[Any], exclude: Iterable[str]
) -> list[models.Field[Any, Any]]:
    """The model's fields a timeline compares: tracked in history, not excluded, not
    stamped automatically."""
    tracked = {f.attname for f in records[0]._meta.concrete_fields}
    excluded = set(exclude)
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in excluded and f.attname in tracked and not getattr(f, "auto_now", False)
    ]


def records_timeline(
    model: type[models.Model],
    records: Sequence[Any],
    *,
    exclude: Iterable[str] = ("id",),
    subject: Callable[[Any], str] | None = None,
) -> list[TimelineEntry]:
    """The timeline of several objects of ``model`` from their history ``records`` (loaded
    by the caller, oldest first, ``history_user`` joined): each record compared with the
    previous record of the same object. Newest first; ``subject`` names each record's
    object. Foreign keys that are shown cost one query per related model."""
    if not records:
        return []
    fields = _shown_fields(model, records, exclude)
    names = _related_names(records, fields)
    last: dict[Any, Any] = {}
    entries: list[TimelineEntry] = []
    for record in records:
        entry = _entry(record, last.get(record.id), fields, names, {})
        entry.subject = subject(record) if subject else ""
        entries.append(entry)
        last[record.id] = record
    entries.reverse()
    return entries


def _entry(
    record: Any,
    previous: Any,
    fields: Sequence[models.Field],
    names: dict[str, dict],
    m2m: dict[str, dict],
) -> TimelineEntry:
    """One history record as who, when, why and old → new per changed field."""
    changes: list[FieldChange] = []
    for f in fields:
        attname = f.attname
        new = getattr(record, attname)
        old: Any = getattr(previous, attname) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and _empty(new):
            continue
        choices = dict(f.flatchoices) if f.choices else {}
        changes.append(
            FieldChange(
                str(f.verbose_name),
                _display(old, names.get(f.name, {}), choices) if previous else "—",
                _display(new, names.get(f.name, {}), choices),
            )
        )
    for label, values in m2m.items():
        new_values = values.get(record.history_id, [])
        old_values: list[str] = values.get(previous.history_id, []) if previous is not None else []
        if new_values != old_values and (previous is not None or new_values):
            changes.append(
                FieldChange(label, ", ".join(old_values) or "—", ", ".join(new_values) or "—")
            )
    user = record.history_user
    return TimelineEntry(
        date=record.history_date,
        user=person_display(user),
        kind=str(HISTORY_TYPE_LABELS.get(record.history_type, record.history_type)),
        reason=record.history_change_reason or "",
        changes=changes,
    )


def _related_names(records: Sequence[Any], fields: Sequence[models.Field]) -> dict[str, dict]:
    names: dict[str, dict] = {}
    for f in fields:
        if not f.is_relation:
            continue
        ids = {getattr(r, f.attname) for r in records} - {None}
        if ids and f.related_model is not None:
            related = f.related_model._default_manager.in_bulk(ids)
            names[f.name] = {pk: str(obj) for pk, obj in related.items()}
    return names


def _m2m_values(model: type[models.Model], records: Sequence[Any]) -> dict[str, dict]:
    """For each tracked many-to-many field: {history_id: sorted names}."""
    history_model = records[0].__class__
    result: dict[str, dict] = {}
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        m2m_history = getattr(history_model, m2m_field.name).model
        target = m2m_field.m2m_reverse_field_name()
        rows = m2m_history.objects.filter(history__in=[r.history_id for r in records])
        rows = rows.select_related(target)
        values: dict[int, list[str]] = defaultdict(list)
        for row in rows:
            values[row.history_id].append(str(getattr(row, target)))
        result[str(m2m_field.verbose_name)] = {k: sorted(v) for k, v in values.items()}
    return result


@contextmanager
def one_history_record(
    instance: models.Model, *, reason: str = "", created: bool = False, adjustment: bool = False
) -> Iterator[None]:
    """Group a save and many-to-many changes into a single history record.

    Without this, simple-history writes one record for the save and one per ``set()``.
    """
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
    record_history(instance, reason=reason, created=created, adjustment=adjustment)


def record_history(
    instance: models.Model, *, reason: str = "", created: bool = False, adjustment: bool = False
) -> None:
    records: History = type(instance)._history_records  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance._history_is_adjustment = adjustment  # type: ignore[attr-defined]
    try:
        records.create_historical_record(instance, "+" if created else "~")
    finally:
        del instance._history_is_adjustment  # type: ignore[attr-defined]


def delete_with_history(queryset: models.QuerySet[Any]) -> int:
    """Delete the rows and every history record of them (with its many-to-many history).

    Only for rows that were never real (demo data): real rows are never deleted, and their
    history is the audit trail. Returns the number of rows deleted.
    """
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    model = queryset.model
    model._default_manager.filter(pk__in=ids).delete()
    # After the delete: it writes a "deleted" record too, which goes with the others.
    records = get_history_manager_for_model(model).model.objects.filter(id__in=ids)
    for m2m_field in getattr(records.model, "_history_m2m_fields", []):
        getattr(records.model, m2m_field.name).model.objects.filter(
            history__in=records.values("history_id")
        ).delete()
    records.delete()
    return len(ids)


def bulk_m2m_history(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """After ``bulk_create_with_history`` and bulk through rows: copy the rows into history.

    Keeps the first history record of each bulk-created object complete.
    """
    history_model = get_history_manager_for_model(model).model
    latest: dict[int, Any] = {}
    for rec in history_model.objects.filter(id__in=[i.pk for i in instances]).order_by(
        "history_date", "history_id"
    ):
        latest[rec.id] = rec
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        m2m_history = getattr(history_model, m2m_field.name).model
        through = m2m_field.remote_field.through
        source = m2m_field.m2m_field_name()
        target = m2m_field.m2m_reverse_field_name()
        rows = through.objects.filter(**{f"{source}__in": list(latest)}).values_list(
            "id", f"{source}_id", f"{target}_id"
        )
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    history=latest[src], id=pk, **{f"{source}_id": src, f"{target}_id": tgt}
                )
                for pk, src, tgt in rows
            ],
            batch_size=2000,
        )
