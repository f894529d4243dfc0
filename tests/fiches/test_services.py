from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fiches import services
from fiches.models import Fiche, FicheState, ReportingRound, ReviewEvent
from fiches.services import IndicatorValueInput
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.factories import ActionFactory, round_opened
from tests.fiches.conftest import YEAR, fill

pytestmark = pytest.mark.django_db


def test_opening_a_round_creates_one_fiche_per_running_action_once(plan, coordinator):
    running = ActionFactory(start_year=2025, end_year=2027)
    ActionFactory(start_year=2028, end_year=2029)  # not running in 2026
    rnd, created = services.round_open(
        plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 1), user=coordinator
    )
    assert created == 1
    assert list(Fiche.objects.values_list("action", flat=True)) == [running.pk]
    _, again = services.round_open(
        plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 15), user=coordinator
    )
    assert again == 0
    assert Fiche.objects.count() == 1
    assert ReportingRound.objects.get().deadline == dt.date(YEAR, 12, 15)


def test_reopening_a_round_adds_fiches_for_new_actions(plan, coordinator):
    ActionFactory()
    services.round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 1), user=coordinator)
    ActionFactory()
    _, created = services.round_open(
        plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 1), user=coordinator
    )
    assert created == 1
    assert Fiche.objects.count() == 2


def test_new_fiche_starts_from_last_years_approved_goal_and_approach(plan, coordinator):
    action = ActionFactory()
    round_opened(plan=plan, year=2025, deadline=dt.date(2025, 12, 1), user=coordinator)
    old = Fiche.objects.get(action=action, year=2025)
    services.fiche_save(
        fiche=old,
        user=coordinator,
        expected_version=old.version,
        data={
            "goal": "Vorig doel",
            "approach": "Vorige aanpak",
            "status_update": "Klaar",
            "progress_status": "on_track",
        },
    )
    services.fiche_submit(fiche=old, user=coordinator)
    services.fiche_approve(fiche=old, user=coordinator)
    services.round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 1), user=coordinator)
    new = Fiche.objects.get(action=action, year=YEAR)
    assert (new.goal, new.approach, new.status_update) == ("Vorig doel", "Vorige aanpak", "")


def test_only_a_coordinator_opens_a_round(plan, editor_a):
    with pytest.raises(PermissionDenied):
        services.round_open(plan=plan, year=YEAR, deadline=dt.date(YEAR, 12, 1), user=editor_a)
    assert not ReportingRound.objects.exists()


def test_round_year_outside_the_plan_is_refused(plan, coordinator):
    with pytest.raises(ValidationError):
        services.round_open(plan=plan, year=2031, deadline=dt.date(2031, 1, 1), user=coordinator)


def test_save_increments_version_and_records_author(fiches, editor_a):
    fiche = fiches["own"]
    saved = services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={"approach": "Nieuwe aanpak"},
    )
    assert saved.version == fiche.version + 1
    assert saved.updated_by == editor_a
    record = saved.history.latest()
    assert record.history_user == editor_a
    assert record.approach == "Nieuwe aanpak"


def test_stale_version_raises_conflict_and_changes_nothing(fiches, editor_a, coordinator):
    fiche = fiches["own"]
    services.fiche_save(
        fiche=fiche, user=coordinator, expected_version=fiche.version, data={"approach": "Van AJH"}
    )
    with pytest.raises(services.FicheConflict) as exc:
        services.fiche_save(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={"approach": "Van de redacteur"},
        )
    assert exc.value.current.approach == "Van AJH"
    assert Fiche.objects.get(pk=fiche.pk).approach == "Van AJH"


def test_submit_requires_status_update_progress_and_indicator_values(fiches, editor_a):
    fiche = fiches["own"]
    indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Bereikte scholen", "kind": "quantitative", "unit": "aantal"},
    )
    with pytest.raises(ValidationError) as exc:
        services.fiche_submit(fiche=fiche, user=editor_a)
    messages = " ".join(exc.value.messages)
    assert "stand van zaken" in messages
    assert "voortgang" in messages
    assert "Bereikte scholen" in messages
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.DRAFT


def test_no_data_with_a_reason_counts_as_filled(fiches, editor_a):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Meldingen", "kind": "quantitative", "unit": "aantal"},
    )
    fill(fiche, editor_a)
    fiche.refresh_from_db()
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={},
        values=[
            IndicatorValueInput(
                indicator_id=indicator.pk, no_data=True, no_data_reason="Cijfers pas in maart"
            )
        ],
    )
    submitted = services.fiche_submit(fiche=fiche, user=editor_a)
    assert submitted.state == FicheState.SUBMITTED
    value = IndicatorValue.objects.get(indicator=indicator, year=YEAR)
    assert value.no_data and value.value is None


def test_no_data_without_reason_is_refused(fiches, editor_a):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Meldingen", "kind": "quantitative", "unit": "aantal"},
    )
    with pytest.raises(ValidationError):
        services.fiche_save(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={},
            values=[IndicatorValueInput(indicator_id=indicator.pk, no_data=True)],
        )
    assert not IndicatorValue.objects.exists()
    assert Fiche.objects.get(pk=fiche.pk).version == fiche.version


def test_values_are_saved_with_the_fiche_and_breakdown_kept(fiches, editor_a):
    fiche = fiches["own"]
    indicator = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={
            "name": "Deelnemers",
            "kind": "quantitative",
            "unit": "aantal",
            "disaggregation": "sex",
        },
    )
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={},
        values=[
            IndicatorValueInput(
                indicator_id=indicator.pk,
                value=Decimal("30"),
                # An empty part is no part; an unknown one is refused (test_bad_input.py).
                breakdown={"female": Decimal("20"), "male": Decimal("10"), "other": None},
            )
        ],
    )
    value = IndicatorValue.objects.get(indicator=indicator, year=YEAR)
    assert value.value == Decimal("30")
    assert value.breakdown == {"female": "20", "male": "10"}
    assert value.updated_by == editor_a


def test_return_requires_a_reason_and_keeps_it(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiche, user=editor_a)
    with pytest.raises(ValidationError):
        services.fiche_return(fiche=fiche, user=coordinator, reason="  ")
    assert Fiche.objects.get(pk=fiche.pk).state == FicheState.SUBMITTED
    returned = services.fiche_return(fiche=fiche, user=coordinator, reason="Cijfers ontbreken")
    assert returned.state == FicheState.RETURNED
    assert returned.review_reason == "Cijfers ontbreken"
    assert returned.history.latest().history_change_reason == "Cijfers ontbreken"
    event = ReviewEvent.objects.filter(fiche=fiche).first()
    assert event is not None
    assert (event.kind, event.reason, event.author) == ("return", "Cijfers ontbreken", coordinator)


def test_returned_fiche_can_be_fixed_and_resubmitted(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiche, user=editor_a)
    services.fiche_return(fiche=fiche, user=coordinator, reason="Meer uitleg")
    fiche.refresh_from_db()
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={"status_update": "Met meer uitleg."},
    )
    assert services.fiche_submit(fiche=fiche, user=editor_a).state == FicheState.SUBMITTED
    assert services.fiche_approve(fiche=fiche, user=coordinator).state == FicheState.APPROVED


def test_reopen_requires_reason_and_goes_back_to_draft(fiches, editor_a, coordinator):
    fiche = fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiche, user=editor_a)
    services.fiche_approve(fiche=fiche, user=coordinator)
    with pytest.raises(ValidationError):
        services.fiche_reopen(fiche=fiche, user=coordinator, reason="")
    reopened = services.fiche_reopen(fiche=fiche, user=coordinator, reason="Bijsturing")
    assert reopened.state == FicheState.DRAFT
    assert reopened.approved_at is None


@pytest.mark.parametrize(
    ("state_setup", "transition"),
    [
        ("draft", "approve"),
        ("draft", "return"),
        ("draft", "reopen"),
        ("submitted", "submit"),
        ("submitted", "reopen"),
        ("approved", "approve"),
        ("approved", "return"),
        ("approved", "submit"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    fiches, editor_a, coordinator, state_setup, transition
):
    fiche = fill(fiches["own"], editor_a)
    if state_setup in ("submitted", "approved"):
        services.fiche_submit(fiche=fiche, user=editor_a)
    if state_setup == "approved":
        services.fiche_approve(fiche=fiche, user=coordinator)
    before = Fiche.objects.get(pk=fiche.pk)
    kwargs = {"reason": "x"} if transition in ("return", "reopen") else {}
    with pytest.raises(services.WorkflowError) as exc:
        getattr(services, f"fiche_{transition}")(fiche=fiche, user=coordinator, **kwargs)
    assert "kan niet" in str(exc.value)
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.state, after.version) == (before.state, before.version)


def test_submitted_fiche_is_read_only_for_its_editor(fiches, editor_a):
    fiche = fill(fiches["own"], editor_a)
    services.fiche_submit(fiche=fiche, user=editor_a)
    fiche.refresh_from_db()
    with pytest.raises(services.WorkflowError):
        services.fiche_save(
            fiche=fiche, user=editor_a, expected_version=fiche.version, data={"approach": "Te laat"}
        )


def test_co_lead_adds_a_contribution_but_cannot_edit_lead_fields(fiches, editor_a, admin_a):
    fiche = fiches["co_led"]
    contribution = services.contribution_save(
        fiche=fiche, administration=admin_a, user=editor_a, text="Wij leveren de vorming."
    )
    assert contribution.text == "Wij leveren de vorming."
    with pytest.raises(PermissionDenied):
        services.fiche_save(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={"approach": "Overgenomen"},
        )
    assert Fiche.objects.get(pk=fiche.pk).approach == ""


def test_other_administration_cannot_contribute(fiches, editor_b, admin_b):
    with pytest.raises(PermissionDenied):
        services.contribution_save(
            fiche=fiches["own"], administration=admin_b, user=editor_b, text="Niet van ons"
        )


def test_a_round_cannot_get_a_deadline_in_the_past(plan, coordinator, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC), tick=False)
    ActionFactory()
    with pytest.raises(ValidationError) as exc:
        services.round_open(plan=plan, year=2026, deadline=dt.date(2026, 8, 31), user=coordinator)
    assert exc.value.message_dict == {"deadline": ["De deadline ligt in het verleden."]}
    assert not ReportingRound.objects.exists()
    rnd, created = services.round_open(
        plan=plan, year=2026, deadline=dt.date(2026, 9, 1), user=coordinator
    )
    assert (rnd.opens_on, created) == (dt.date(2026, 9, 1), 1)


def test_save_and_submit_of_an_incomplete_fiche_saves_nothing(fiches, editor_a):
    fiche = fiches["own"]
    with pytest.raises(ValidationError):
        services.fiche_save_and_submit(
            fiche=fiche,
            user=editor_a,
            expected_version=fiche.version,
            data={"goal": "Nieuw doel", "status_update": "Het werk loopt."},  # no progress
        )
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.goal, after.version, after.state) == ("", fiche.version, FicheState.DRAFT)


def test_save_and_submit_saves_and_submits(fiches, editor_a):
    fiche = fiches["own"]
    services.fiche_save_and_submit(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={"status_update": "Het werk loopt.", "progress_status": "on_track"},
    )
    after = Fiche.objects.get(pk=fiche.pk)
    assert (after.status_update, after.state) == ("Het werk loopt.", FicheState.SUBMITTED)
    assert after.history.first().history_user == editor_a
