"""The three-way merge of a fiche saved from a stale version: the pure function, then the
service that reads the base from history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actionplan.models import Role
from fiches import services
from fiches.checks import indicator_value_key
from fiches.merge import ValueState, three_way_merge
from fiches.models import Fiche
from fiches.services import IndicatorValueInput
from indicators.models import IndicatorValue
from indicators.services import indicator_save
from tests.factories import UserFactory


def test_a_field_only_they_changed_keeps_their_value() -> None:
    merge = three_way_merge(
        base={"x": "a", "y": "b"}, theirs={"x": "A", "y": "b"}, mine={"x": "a", "y": "b"}
    )
    assert merge.merged == {"x": "A", "y": "b"}
    assert merge.theirs_kept == ("x",)
    assert merge.conflicts == ()


def test_a_field_only_i_changed_takes_my_value() -> None:
    merge = three_way_merge(
        base={"x": "a", "y": "b"}, theirs={"x": "A", "y": "b"}, mine={"x": "a", "y": "B"}
    )
    assert merge.merged == {"x": "A", "y": "B"}
    assert merge.theirs_kept == ("x",)
    assert merge.conflicts == ()


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    merge = three_way_merge(base={"x": "a"}, theirs={"x": "A"}, mine={"x": "A"})
    assert merge.merged == {"x": "A"}
    assert merge.conflicts == ()
    assert merge.theirs_kept == ()


def test_different_changes_to_one_field_are_a_conflict_and_not_merged() -> None:
    merge = three_way_merge(
        base={"x": "a", "y": "b"}, theirs={"x": "A1", "y": "B"}, mine={"x": "A2", "y": "b"}
    )
    assert merge.conflicts == ("x",)
    assert "x" not in merge.merged
    assert merge.merged == {"y": "B"}


def test_a_key_missing_from_base_counts_as_none() -> None:
    merge = three_way_merge(base={}, theirs={"v": None}, mine={"v": 5})
    assert merge.merged == {"v": 5}


def test_keys_mine_does_not_mention_are_left_alone() -> None:
    merge = three_way_merge(base={"x": "a"}, theirs={"x": "A"}, mine={})
    assert merge.merged == {}
    assert merge.theirs_kept == ()


def test_value_states_compare_numbers_not_notation() -> None:
    assert ValueState.of(value=Decimal("12.5")) == ValueState.of(value=Decimal("12.50"))
    assert ValueState.of(
        value=Decimal(3), breakdown={"female": None, "male": "3"}
    ) == ValueState.of(value=Decimal("3.0"), breakdown={"male": Decimal(3)})
    # "No data" carries no number, and a reason only with "no data".
    assert ValueState.of(
        value=Decimal(1), no_data=True, no_data_reason=" geen bron "
    ) == ValueState.of(no_data=True, no_data_reason="geen bron")
    assert ValueState.of(value=Decimal(1), no_data_reason="x") == ValueState.of(value=Decimal(1))


def test_an_indicator_value_merges_as_one_unit() -> None:
    base = {"indicator-1": ValueState.of(value=Decimal(250))}
    theirs = {"indicator-1": ValueState.of(no_data=True, no_data_reason="bron weg")}
    mine = {"indicator-1": ValueState.of(value=Decimal(214))}
    assert three_way_merge(base=base, theirs=theirs, mine=mine).conflicts == ("indicator-1",)


# --- The service: base from history ----------------------------------------------------


@pytest.fixture
def indicator(fiches, coordinator):
    return indicator_save(
        action=fiches["own"].action,
        user=coordinator,
        data={"name": "Opgeleide leerkrachten", "kind": "quantitative", "unit": "aantal"},
    )


def _other_editor(admin_a):
    return UserFactory(
        username="editor-a2",
        role=Role.EDITOR,
        first_name="Ann",
        last_name="Andere",
        administrations=[admin_a],
    )


@pytest.mark.django_db
def test_stale_save_keeps_their_field_and_my_field(fiches, editor_a, admin_a) -> None:
    fiche = fiches["own"]
    base = fiche.version
    other = _other_editor(admin_a)
    services.fiche_save(
        fiche=fiche, user=other, expected_version=base, data={"goal": "Doel van Ann"}
    )
    result = services.fiche_save_merging(
        fiche=fiche,
        user=editor_a,
        base_version=base,
        data={"goal": "", "obstacles": "Mijn knelpunt"},
    )
    fiche.refresh_from_db()
    assert (fiche.goal, fiche.obstacles) == ("Doel van Ann", "Mijn knelpunt")
    assert result.theirs_kept == ("goal",)
    assert result.other_user == other
    record = fiche.history.latest()
    assert record.history_user == editor_a
    assert record.history_change_reason == "samengevoegd met een gelijktijdige wijziging"


@pytest.mark.django_db
def test_stale_save_with_a_field_both_changed_saves_nothing(fiches, editor_a, admin_a) -> None:
    fiche = fiches["own"]
    base = fiche.version
    services.fiche_save(
        fiche=fiche,
        user=_other_editor(admin_a),
        expected_version=base,
        data={"goal": "Doel van Ann"},
    )
    with pytest.raises(services.FicheMergeConflict) as caught:
        services.fiche_save_merging(
            fiche=fiche,
            user=editor_a,
            base_version=base,
            data={"goal": "Mijn doel", "obstacles": "K"},
        )
    assert caught.value.conflicts == ("goal",)
    assert caught.value.theirs == {"goal": "Doel van Ann"}
    assert caught.value.mine == {"goal": "Mijn doel"}
    fiche.refresh_from_db()
    assert (fiche.goal, fiche.obstacles, fiche.version) == ("Doel van Ann", "", base + 1)


@pytest.mark.django_db
def test_indicator_values_merge_against_their_history(fiches, editor_a, admin_a, indicator) -> None:
    fiche = fiches["own"]
    second = indicator_save(
        action=fiche.action,
        user=editor_a,
        data={"name": "Scholen bereikt", "kind": "quantitative", "unit": "aantal"},
    )
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=fiche.version,
        data={},
        values=[
            IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(250)),
            IndicatorValueInput(indicator_id=second.pk, value=Decimal(10)),
        ],
    )
    base = Fiche.objects.get(pk=fiche.pk).version
    services.fiche_save(
        fiche=fiche,
        user=_other_editor(admin_a),
        expected_version=base,
        data={},
        values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(254))],
    )
    # I started from 250 / 10 and changed only the second indicator.
    mine = [
        IndicatorValueInput(indicator_id=indicator.pk, value=Decimal("250.00")),
        IndicatorValueInput(indicator_id=second.pk, value=Decimal(12)),
    ]
    result = services.fiche_save_merging(
        fiche=fiche, user=editor_a, base_version=base, data={}, values=mine
    )
    assert result.theirs_kept == (indicator_value_key(indicator.pk),)
    values = dict(IndicatorValue.objects.values_list("indicator_id", "value"))
    assert values == {indicator.pk: Decimal(254), second.pk: Decimal(12)}

    # Both change the first one: a conflict, nothing saved.
    base = Fiche.objects.get(pk=fiche.pk).version
    services.fiche_save(
        fiche=fiche,
        user=editor_a,
        expected_version=base,
        data={},
        values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(214))],
    )
    with pytest.raises(services.FicheMergeConflict) as caught:
        services.fiche_save_merging(
            fiche=fiche,
            user=editor_a,
            base_version=base,
            data={},
            values=[IndicatorValueInput(indicator_id=indicator.pk, value=Decimal(300))],
        )
    assert caught.value.conflicts == (indicator_value_key(indicator.pk),)
    assert caught.value.theirs[indicator_value_key(indicator.pk)] == ValueState.of(
        value=Decimal(214)
    )
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal(214)


@pytest.mark.django_db
def test_the_api_save_stays_strict_on_a_stale_version(fiches, editor_a, admin_a) -> None:
    fiche = fiches["own"]
    base = fiche.version
    services.fiche_save(
        fiche=fiche, user=_other_editor(admin_a), expected_version=base, data={"goal": "G"}
    )
    with pytest.raises(services.FicheConflict):
        services.fiche_save(
            fiche=fiche, user=editor_a, expected_version=base, data={"obstacles": "K"}
        )


@pytest.mark.django_db
def test_without_a_record_of_the_base_every_difference_needs_a_choice(
    fiches, editor_a, admin_a
) -> None:
    fiche = fiches["own"]
    base = fiche.version
    services.fiche_save(
        fiche=fiche, user=_other_editor(admin_a), expected_version=base, data={"goal": "G"}
    )
    fiche.history.filter(version=base).delete()
    with pytest.raises(services.FicheMergeConflict) as caught:
        services.fiche_save_merging(
            fiche=fiche, user=editor_a, base_version=base, data={"goal": "", "approach": "A"}
        )
    assert caught.value.conflicts == ("goal", "approach")
