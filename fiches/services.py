"""Writes of reporting rounds and fiches: the workflow, with its rules, in one place."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from actionplan.display import date_display
from actionplan.jobs import JobUnavailable, enqueue
from actionplan.models import Action, Administration, Plan, User
from actionplan.texts import check_text
from fiches.checks import check_outliers, check_personal_data, indicator_value_key
from fiches.merge import UNKNOWN, ValueState, three_way_merge, value_state
from fiches.models import (
    CONTENT_FIELDS,
    EDITABLE_STATES,
    Contribution,
    Fiche,
    FicheState,
    ReportingRound,
    ReviewEvent,
    ReviewKind,
    RoundStatus,
)
from fiches.reminders import editors_of, lead_editors
from fiches.selectors import fiche_version_state
from indicators.models import Indicator, IndicatorValue
from notifications.models import NotificationKind
from notifications.services import MAIL_LANGUAGE, notify

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class WorkflowError(Exception):
    """A transition that is not allowed from the fiche's current state."""

    api_status = 409


class FicheConflict(Exception):
    """The fiche changed since the user loaded it."""

    api_status = 412

    def __init__(self, current: Fiche) -> None:
        super().__init__(_("Iemand anders heeft deze fiche intussen gewijzigd."))
        self.current = current

    def api_headers(self) -> dict[str, str]:
        # The client may reload, compare and try again against this version.
        return {"ETag": self.current.etag}


@dataclass(frozen=True)
class IndicatorValueInput:
    indicator_id: int
    value: Decimal | None = None
    no_data: bool = False
    no_data_reason: str = ""
    assessment: str = ""
    breakdown: Mapping[str, Decimal | None] | None = None


# --- Reporting rounds ------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    plan: Plan,
    year: int,
    deadline: dt.date,
    user: User,
    opens_on: dt.date | None = None,
    reminder_days: tuple[int | None, int | None] | None = None,
) -> tuple[ReportingRound, int]:
    """Open the round of ``year``: one fiche per action running that year, once.

    Opening again creates only the fiches that are missing (e.g. for actions added since)
    and may move the deadline. The deadline never lies in the past: editors must be able
    to meet it. A new fiche starts from last year's approved goal and approach. Returns
    the round and the number of fiches created.
    """
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator opent een rapporteringsronde."))
    today = timezone.localdate()
    errors = {}
    if year not in plan.years:
        errors["year"] = _("Kies een jaar binnen de looptijd van het plan (%(a)s–%(b)s).") % {
            "a": plan.start_year,
            "b": plan.end_year,
        }
    if deadline < today:
        errors["deadline"] = _("De deadline ligt in het verleden.")
    first, second = reminder_days or (None, None)
    if first and second and second >= first:
        errors["second_reminder_days"] = _(
            "De tweede herinnering komt dichter bij de deadline dan de eerste: kies minder dagen."
        )
    if errors:
        raise ValidationError(errors)
    opens_on = opens_on or today
    rnd = ReportingRound.objects.filter(plan=plan, year=year).first()
    if rnd is None:
        rnd = ReportingRound(
            plan=plan, year=year, opens_on=opens_on, deadline=deadline, opened_by=user
        )
    else:
        rnd.deadline = deadline
        rnd.status = RoundStatus.OPEN
    if reminder_days is not None:
        rnd.first_reminder_days, rnd.second_reminder_days = reminder_days
    rnd.full_clean()
    rnd._history_user = user  # type: ignore[attr-defined]
    rnd.save()

    actions = Action.objects.for_plan(plan).running_in(year).exclude(fiches__year=year)
    previous = {
        f.action_id: f
        for f in Fiche.objects.filter(
            action__plan=plan, year=year - 1, state=FicheState.APPROVED
        ).only("action_id", "goal", "approach")
    }
    now = timezone.now()
    new = []
    for action_id in actions.values_list("id", flat=True):
        last = previous.get(action_id)
        new.append(
            Fiche(
                action_id=action_id,
                year=year,
                round=rnd,
                goal=last.goal if last else "",
                approach=last.approach if last else "",
                updated_at=now,
                updated_by=user,
            )
        )
    bulk_create_with_history(
        new,
        Fiche,
        batch_size=500,
        default_user=user,
        default_change_reason=_("ronde %(year)s geopend") % {"year": year},
    )
    if opens_on <= today:
        # The editors hear of it now rather than at the next morning's run (beat sends it
        # then should the queue be down).
        transaction.on_commit(_reminders_soon)
    return rnd, len(new)


def _reminders_soon() -> None:
    with contextlib.suppress(JobUnavailable):
        enqueue("fiches.tasks.send_reminders", [])


@transaction.atomic
def round_close(*, rnd: ReportingRound, user: User) -> ReportingRound:
    """No more editing or submitting in the round; AJH still reviews what was submitted,
    and reopens a late fiche one by one (``fiche_reopen``)."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator sluit een rapporteringsronde af."))
    current = ReportingRound.objects.select_for_update().get(pk=rnd.pk)
    if current.status == RoundStatus.CLOSED:
        raise WorkflowError(_("Ronde %(year)s is al afgesloten.") % {"year": current.year})
    current.status = RoundStatus.CLOSED
    current._history_user = user  # type: ignore[attr-defined]
    current._change_reason = _("ronde afgesloten")  # type: ignore[attr-defined]
    current.save()
    return current


@transaction.atomic
def round_extend(*, rnd: ReportingRound, deadline: dt.date, user: User) -> ReportingRound:
    """A later deadline for an open round."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator verlengt een rapporteringsronde."))
    current = ReportingRound.objects.select_for_update().get(pk=rnd.pk)
    if current.status != RoundStatus.OPEN:
        raise WorkflowError(
            _("Ronde %(year)s is afgesloten; open ze opnieuw om de deadline te verlengen.")
            % {"year": current.year}
        )
    if deadline <= current.deadline:
        raise ValidationError(
            {
                "deadline": _("Kies een datum na de huidige deadline (%(date)s).")
                % {"date": date_display(current.deadline)}
            }
        )
    reason = _("deadline verlengd van %(old)s tot %(new)s") % {
        "old": date_display(current.deadline),
        "new": date_display(deadline),
    }
    current.deadline = deadline
    current._history_user = user  # type: ignore[attr-defined]
    current._change_reason = reason  # type: ignore[attr-defined]
    current.full_clean()
    current.save()
    _tell_extended(current)
    return current


def _tell_extended(rnd: ReportingRound) -> None:
    """The lead editors of the fiches still to submit hear of the new deadline."""
    fiches = list(
        Fiche.objects.filter(round=rnd, state__in=EDITABLE_STATES).values_list(
            "action__lead_administration_id", flat=True
        )
    )
    counts: dict[int, int] = {}
    for admin_id in fiches:
        counts[admin_id] = counts.get(admin_id, 0) + 1
    for admin_id, users in editors_of(counts).items():
        with translation.override(MAIL_LANGUAGE):
            notify(
                users=users,
                kind=NotificationKind.DEADLINE_EXTENDED,
                title=_("De deadline van ronde %(year)s is verlengd tot %(date)s")
                % {"year": rnd.year, "date": date_display(rnd.deadline)},
                text=_("Je administratie heeft nog %(count)s fiches in te dienen.")
                % {"count": counts[admin_id]},
                url=reverse("fiches:mine"),
            )


def _tell_editors(fiche: Fiche, kind: str, title: StrOrPromise, reason: str = "") -> None:
    """The lead administration's editors hear of a review step (no fiche text in it)."""
    with translation.override(MAIL_LANGUAGE):
        notify(
            users=lead_editors(fiche),
            kind=kind,
            title=title % {"code": fiche.action.code, "year": fiche.year},
            text=(_("Reden: %(reason)s") % {"reason": reason}) if reason else "",
            url=reverse("fiches:detail", args=[fiche.pk]),
        )


# --- Editing ---------------------------------------------------------------------------


def _locked(fiche: Fiche) -> Fiche:
    # Locks the action's row as well (joined): steps on fiches of one action queue up, so
    # an approval's rewrite of the action's other fiches (supersession_refresh) cannot
    # deadlock with a step on one of them.
    return Fiche.objects.select_for_update().select_related("action").get(pk=fiche.pk)


def _require_author(fiche: Fiche, user: User, message: str) -> None:
    """403 unless ``user`` writes this fiche (its lead administration, or a coordinator)."""
    if not Fiche.objects.filter(pk=fiche.pk).filter(Fiche.objects.author_condition(user)).exists():
        raise PermissionDenied(message)


def _check_can_edit(fiche: Fiche, user: User) -> None:
    """Permission first (403), then the state (409): a stranger learns nothing of the state."""
    _require_author(fiche, user, _("Je mag deze fiche niet wijzigen."))
    if fiche.state not in EDITABLE_STATES:
        raise WorkflowError(
            _("Een %(state)s fiche kan niet meer gewijzigd worden.")
            % {"state": fiche.get_state_display()}
        )
    _check_round_open(fiche)


def _check_round_open(fiche: Fiche) -> None:
    if fiche.is_closed_for_editing:
        raise WorkflowError(
            _(
                "Ronde %(year)s is afgesloten: de fiche kan niet meer gewijzigd of ingediend "
                "worden. Vraag AJH om ze te heropenen."
            )
            % {"year": fiche.year}
        )


@transaction.atomic
def fiche_save(
    *,
    fiche: Fiche,
    user: User,
    expected_version: int,
    data: Mapping[str, Any],
    values: Sequence[IndicatorValueInput] = (),
    reason: str = "",
    confirm_privacy: bool = False,
    confirm_outliers: bool = False,
) -> Fiche:
    """Save the fiche's content and that year's indicator values as one change.

    Raises ``FicheConflict`` when someone saved since ``expected_version`` was read (the
    API's strict 412: a client reloads, compares and sends again),
    ``PersonalDataSuspected`` when a text looks like personal data and the editor did not
    confirm (``confirm_privacy``) that it is none, and ``OutliersSuspected`` when a value
    jumps by more than a factor ten from last year's approved one, unconfirmed
    (``confirm_outliers``).
    """
    current = _locked(fiche)
    _check_can_edit(current, user)
    if current.version != expected_version:
        raise FicheConflict(current)
    _check_input(current, data, values, confirm_privacy, confirm_outliers)
    return _write(current, user, data, values, reason)


@transaction.atomic
def fiche_save_and_submit(
    *,
    fiche: Fiche,
    user: User,
    expected_version: int,
    data: Mapping[str, Any],
    values: Sequence[IndicatorValueInput] = (),
    confirm_privacy: bool = False,
    confirm_outliers: bool = False,
) -> Fiche:
    """Save and submit in one step: both happen, or neither (the draft stays as it was)."""
    saved = fiche_save(
        fiche=fiche,
        user=user,
        expected_version=expected_version,
        data=data,
        values=values,
        confirm_privacy=confirm_privacy,
        confirm_outliers=confirm_outliers,
    )
    return fiche_submit(fiche=saved, user=user, expected_version=saved.version)


@dataclass(frozen=True)
class MergedSave:
    fiche: Fiche
    # Keys (``CONTENT_FIELDS`` names, ``indicator_value_key``s) whose value another person
    # changed since ``base_version`` and that this save kept, and that person.
    theirs_kept: tuple[str, ...] = ()
    other_user: User | None = None


class FicheMergeConflict(FicheConflict):
    """Both people changed the same field(s) differently: nothing is saved, the user
    chooses per field. ``theirs`` and ``mine`` hold each side's value of those keys
    (content values; ``ValueState`` for indicator values)."""

    def __init__(
        self,
        current: Fiche,
        *,
        conflicts: Sequence[str],
        theirs: Mapping[str, Any],
        mine: Mapping[str, Any],
        theirs_kept: Sequence[str],
    ) -> None:
        super().__init__(current)
        self.conflicts = tuple(conflicts)
        self.theirs = dict(theirs)
        self.mine = dict(mine)
        self.theirs_kept = tuple(theirs_kept)


@transaction.atomic
def fiche_save_merging(
    *,
    fiche: Fiche,
    user: User,
    base_version: int,
    data: Mapping[str, Any],
    values: Sequence[IndicatorValueInput] = (),
    submit: bool = False,
    confirm_privacy: bool = False,
    confirm_outliers: bool = False,
) -> MergedSave:
    """The fiche page's save: a three-way merge with what others saved since
    ``base_version`` (the version the form was loaded from).

    Fields (and indicator values) only the other person changed keep their current value,
    fields only this user changed take this user's; when both changed a field differently,
    ``FicheMergeConflict`` is raised and nothing is saved. The base is read from history,
    never from the client. ``submit``: submit after saving, in the same transaction.
    """
    current = _locked(fiche)
    _check_can_edit(current, user)
    _check_input(current, data, values, confirm_privacy, confirm_outliers)
    data, values, theirs_kept = _merge_with_base(current, base_version, data, values)
    reason, other = "", None
    if theirs_kept:
        reason = _("samengevoegd met een gelijktijdige wijziging")
        other = current.updated_by
    saved = _write(current, user, data, values, reason)
    if submit:
        saved = fiche_submit(fiche=saved, user=user, expected_version=saved.version)
    return MergedSave(fiche=saved, theirs_kept=theirs_kept, other_user=other)


def _check_input(
    fiche: Fiche,
    data: Mapping[str, Any],
    values: Sequence[IndicatorValueInput],
    confirm_privacy: bool,
    confirm_outliers: bool,
) -> None:
    unknown = set(data) - set(CONTENT_FIELDS)
    if unknown:
        raise ValidationError(_("Onbekende velden: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if not confirm_privacy:
        texts = {
            name: str(value or "")
            for name, value in data.items()
            if name in CONTENT_FIELDS and name != "progress_status"
        }
        for item in values:
            texts[indicator_value_key(item.indicator_id)] = "\n".join(
                text for text in (item.assessment, item.no_data_reason) if text
            )
        check_personal_data(texts)
    if not confirm_outliers:
        check_outliers(
            fiche,
            {
                item.indicator_id: item.value
                for item in values
                if item.value is not None and not item.no_data
            },
        )


def _write(
    current: Fiche,
    user: User,
    data: Mapping[str, Any],
    values: Sequence[IndicatorValueInput],
    reason: str,
) -> Fiche:
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(exclude=["action", "round"])
    # The values' history says where the change came from when the caller gives no reason.
    value_reason = reason or _("fiche %(year)s bewaard") % {"year": current.year}
    _save_values(current, user, values, value_reason)
    current.version += 1
    current.updated_at = timezone.now()
    current.updated_by = user
    current._history_user = user  # type: ignore[attr-defined]
    current._change_reason = reason  # type: ignore[attr-defined]
    current.save()
    return current


def _merge_with_base(
    current: Fiche,
    base_version: int,
    data: Mapping[str, Any],
    values: Sequence[IndicatorValueInput],
) -> tuple[dict[str, Any], list[IndicatorValueInput], tuple[str, ...]]:
    """What to write: this user's changes on top of the current fiche (see
    ``fiche_save_merging``). Raises ``FicheMergeConflict`` on a field both changed."""
    base = fiche_version_state(current, base_version)
    theirs: dict[str, Any] = {name: getattr(current, name) for name in CONTENT_FIELDS}
    mine: dict[str, Any] = dict(data)
    if base is not None:
        old: dict[str, Any] = dict(base.content)
    elif base_version == current.version:
        old = dict(theirs)  # a fiche without history records: nothing to merge
    else:
        # No record of the version the user started from: every field that differs is
        # the user's choice, nothing is taken over silently.
        old = dict.fromkeys(theirs, UNKNOWN)
    inputs = {item.indicator_id: item for item in values}
    if inputs:
        now = {
            v.indicator_id: v
            for v in IndicatorValue.objects.filter(
                indicator__action_id=current.action_id, year=current.year
            )
        }
        for indicator_id, item in inputs.items():
            key = indicator_value_key(indicator_id)
            theirs[key] = value_state(now.get(indicator_id))
            mine[key] = value_state(item)
            if base is not None:
                old[key] = base.values.get(indicator_id, ValueState())
            else:
                old[key] = theirs[key] if base_version == current.version else UNKNOWN
    outcome = three_way_merge(base=old, theirs=theirs, mine=mine)
    if outcome.conflicts:
        raise FicheMergeConflict(
            current,
            conflicts=outcome.conflicts,
            theirs={key: theirs.get(key) for key in outcome.conflicts},
            mine={key: mine[key] for key in outcome.conflicts},
            theirs_kept=outcome.theirs_kept,
        )
    # Write only what changes the current fiche: keys whose merged value is theirs stay.
    content = {name: outcome.merged[name] for name in data if outcome.merged[name] != theirs[name]}
    changed_values = [
        inputs[indicator_id]
        for indicator_id in inputs
        if outcome.merged[indicator_value_key(indicator_id)]
        != theirs[indicator_value_key(indicator_id)]
    ]
    return content, changed_values, outcome.theirs_kept


def _save_values(
    fiche: Fiche, user: User, values: Sequence[IndicatorValueInput], reason: str = ""
) -> None:
    if not values:
        return
    indicators = Indicator.objects.filter(action_id=fiche.action_id).in_bulk()
    existing = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(indicator__in=indicators, year=fiche.year)
    }
    errors: dict[str, list[str]] = {}
    for item in values:
        indicator = indicators.get(item.indicator_id)
        if indicator is None:
            raise ValidationError(_("Deze indicator hoort niet bij deze actie."))
        row = existing.get(item.indicator_id) or IndicatorValue(
            indicator=indicator, year=fiche.year
        )
        new = {
            # A number sent with "no data" is refused by the model, not dropped.
            "value": item.value,
            "no_data": item.no_data,
            "no_data_reason": item.no_data_reason.strip() if item.no_data else "",
            "assessment": item.assessment,
            "breakdown": _clean_breakdown(indicator, item.breakdown),
        }
        if row.pk and all(getattr(row, k) == v for k, v in new.items()):
            continue
        for key, value in new.items():
            setattr(row, key, value)
        row.updated_by = user
        try:
            row.full_clean()
        except ValidationError as exc:
            errors[indicator_value_key(indicator.pk)] = exc.messages
            continue
        row._history_user = user  # type: ignore[attr-defined]
        row._change_reason = reason  # type: ignore[attr-defined]
        row.save()
    if errors:
        raise ValidationError(errors)


def _clean_breakdown(
    indicator: Indicator, breakdown: Mapping[str, Decimal | None] | None
) -> dict[str, str]:
    """The parts given (an empty field is none); which parts the indicator knows is the
    model's rule (``IndicatorValue.clean``), refused there rather than dropped here."""
    return {k: str(v) for k, v in (breakdown or {}).items() if v is not None}


@transaction.atomic
def contribution_save(
    *, fiche: Fiche, administration: Administration, user: User, text: str
) -> Contribution:
    current = _locked(fiche)
    if current.state not in EDITABLE_STATES:
        raise WorkflowError(_("De fiche is ingediend of goedgekeurd: bijdragen kan niet meer."))
    allowed = (
        Fiche.objects.filter(pk=fiche.pk).filter(Fiche.objects.contribute_condition(user)).exists()
    )
    is_co_lead = current.action.co_lead_administrations.filter(pk=administration.pk).exists()
    if (
        not allowed
        or not is_co_lead
        or not user.administrations.filter(pk=administration.pk).exists()
    ):
        raise PermissionDenied(_("Je administratie werkt niet mee aan deze actie."))
    if not text.strip():
        raise ValidationError({"text": _("Schrijf een bijdrage.")})
    contribution = Contribution.objects.filter(
        fiche=current, administration=administration
    ).first() or Contribution(fiche=current, administration=administration)
    contribution.text = text
    contribution.updated_by = user
    contribution.full_clean(exclude=["fiche", "administration"], validate_unique=False)
    contribution._history_user = user  # type: ignore[attr-defined]
    contribution.save()
    return contribution


# --- Workflow --------------------------------------------------------------------------


def fiche_missing_for_submit(
    fiche: Fiche,
    indicators: Sequence[Indicator] | None = None,
    values: Mapping[int, IndicatorValue] | None = None,
) -> list[str]:
    """What still has to be filled in before the fiche can be submitted (Dutch messages).

    ``indicators`` and ``values`` (by indicator id) may be passed when already loaded.
    """
    missing = []
    if not fiche.status_update.strip():
        missing.append(_("De stand van zaken is niet ingevuld."))
    if not fiche.progress_status:
        missing.append(_("De voortgang is niet gekozen."))
    if values is None:
        values = {
            v.indicator_id: v
            for v in IndicatorValue.objects.filter(
                indicator__action_id=fiche.action_id, year=fiche.year
            )
        }
    if indicators is None:
        indicators = list(Indicator.objects.filter(action_id=fiche.action_id))
    for indicator in indicators:
        value = values.get(indicator.pk)
        if indicator.is_quantitative and (value is None or not value.is_filled):
            missing.append(
                _(
                    "Indicator ‘%(name)s’ heeft geen waarde voor %(year)s (of ‘geen gegevens’ "
                    "met een reden)."
                )
                % {"name": indicator.name, "year": fiche.year}
            )
        elif not indicator.is_quantitative and (value is None or not value.assessment.strip()):
            missing.append(
                _("Indicator ‘%(name)s’ heeft geen beoordeling voor %(year)s.")
                % {"name": indicator.name, "year": fiche.year}
            )
    return missing


def _transition(
    fiche: Fiche,
    *,
    user: User,
    kind: str,
    allowed_from: Sequence[str],
    to: str,
    reason: str = "",
) -> Fiche:
    if fiche.state not in allowed_from:
        raise WorkflowError(
            _("Dit kan niet: de fiche is %(state)s.") % {"state": fiche.get_state_display()}
        )
    fiche.state = to
    fiche.version += 1
    fiche.updated_at = timezone.now()
    fiche.updated_by = user
    fiche._history_user = user  # type: ignore[attr-defined]
    fiche._change_reason = reason or str(ReviewKind(kind).label)  # type: ignore[attr-defined]
    fiche.save()
    ReviewEvent.objects.create(fiche=fiche, kind=kind, reason=reason, author=user)
    return fiche


def supersession_refresh(*, actions: Iterable[int] | QuerySet[Action]) -> int:
    """Store on each approved fiche of ``actions`` the year of the action's next approved
    fiche (empty for the latest one, and for fiches that are not approved). Derived data
    for the dashboard's progress "as of a year", so it is written without history."""
    next_approved = (
        Fiche.objects.filter(
            action_id=OuterRef("action_id"), state=FicheState.APPROVED, year__gt=OuterRef("year")
        )
        .order_by("year")
        .values("year")[:1]
    )
    return (
        Fiche.objects.filter(action__in=actions)
        .filter(Q(state=FicheState.APPROVED) | Q(superseded_in__isnull=False))
        .update(superseded_in=Case(When(state=FicheState.APPROVED, then=Subquery(next_approved))))
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op.")})
    check_text("reason", reason)
    return reason


@transaction.atomic
def fiche_submit(*, fiche: Fiche, user: User, expected_version: int | None = None) -> Fiche:
    current = _locked(fiche)
    _require_author(current, user, _("Je mag deze fiche niet indienen."))
    if current.state not in EDITABLE_STATES:
        raise WorkflowError(
            _("Dit kan niet: de fiche is %(state)s.") % {"state": current.get_state_display()}
        )
    _check_round_open(current)
    if expected_version is not None and current.version != expected_version:
        raise FicheConflict(current)
    missing = fiche_missing_for_submit(current)
    if missing:
        raise ValidationError(missing)
    current.submitted_at = timezone.now()
    return _transition(
        current,
        user=user,
        kind=ReviewKind.SUBMIT,
        allowed_from=EDITABLE_STATES,
        to=FicheState.SUBMITTED,
    )


def _require_coordinator(user: User) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator beoordeelt fiches."))


@transaction.atomic
def fiche_approve(*, fiche: Fiche, user: User) -> Fiche:
    _require_coordinator(user)
    current = _locked(fiche)
    current.approved_at = timezone.now()
    current.review_reason = ""
    approved = _transition(
        current,
        user=user,
        kind=ReviewKind.APPROVE,
        allowed_from=[FicheState.SUBMITTED],
        to=FicheState.APPROVED,
    )
    supersession_refresh(actions=[approved.action_id])
    _tell_editors(
        approved,
        NotificationKind.APPROVED,
        gettext_lazy("Fiche %(code)s (%(year)s) is goedgekeurd"),
    )
    return approved


@transaction.atomic
def fiche_return(*, fiche: Fiche, user: User, reason: str) -> Fiche:
    _require_coordinator(user)
    reason = _require_reason(reason)
    current = _locked(fiche)
    current.review_reason = reason
    returned = _transition(
        current,
        user=user,
        kind=ReviewKind.RETURN,
        allowed_from=[FicheState.SUBMITTED],
        to=FicheState.RETURNED,
        reason=reason,
    )
    _tell_editors(
        returned,
        NotificationKind.RETURNED,
        gettext_lazy("Fiche %(code)s (%(year)s) is teruggestuurd"),
        reason,
    )
    return returned


@transaction.atomic
def fiche_reopen(*, fiche: Fiche, user: User, reason: str) -> Fiche:
    """An approved fiche back to draft; or, after the round closed, a late fiche (draft or
    returned) editable again for its editors. Either way with a reason."""
    _require_coordinator(user)
    reason = _require_reason(reason)
    current = _locked(fiche)
    current.review_reason = reason
    closed = current.round.status == RoundStatus.CLOSED
    title = gettext_lazy("Fiche %(code)s (%(year)s) is heropend")
    if current.is_closed_for_editing:
        current.late_allowed = True
        late = _transition(
            current,
            user=user,
            kind=ReviewKind.REOPEN,
            allowed_from=EDITABLE_STATES,
            to=current.state,
            reason=reason,
        )
        _tell_editors(late, NotificationKind.REOPENED, title, reason)
        return late
    current.approved_at = None
    current.late_allowed = current.late_allowed or closed
    reopened = _transition(
        current,
        user=user,
        kind=ReviewKind.REOPEN,
        allowed_from=[FicheState.APPROVED],
        to=FicheState.DRAFT,
        reason=reason,
    )
    supersession_refresh(actions=[reopened.action_id])
    _tell_editors(reopened, NotificationKind.REOPENED, title, reason)
    return reopened
