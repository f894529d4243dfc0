"""Flemish number input: one parser for the fiche page, the indicator form, API and import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.numbers import parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1234.5", "1234.5"),
        ("1.234", "1234"),
        ("1.234.567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234", "1234"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1.23", "1.23"),
        ("1.2345", "1.2345"),
        ("0,5", "0.5"),
        (",5", "0.5"),
        ("-3,5", "-3.5"),
        ("250", "250"),
    ],
)
def test_parse_number_reads_flemish_input(raw: str, expected: str) -> None:
    assert parse_number(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["veel", "ongeveer 40", "1e9", "1,2,3", "12.34,5", "1.234.5", "", "-", "1.23.456"]
)
def test_parse_number_refuses_garbage_with_one_dutch_message(raw: str) -> None:
    with pytest.raises(ValueError, match=r"^Geef een getal, bv\. 1\.234,5\.$"):
        parse_number(raw)


@pytest.mark.django_db
def test_indicator_form_reads_flemish_numbers(client, editor_a, plan, admin_a) -> None:
    from indicators.models import Indicator
    from tests.factories import ActionFactory

    action = ActionFactory(lead_administration=admin_a)
    client.force_login(editor_a)
    response = client.post(
        reverse("indicators:create", args=[action.pk]),
        {
            "name": "Bereikte professionals",
            "kind": "quantitative",
            "unit": "aantal",
            "value_kind": "decimal",
            "baseline_value": "1.234",
            "baseline_year": 2024,
            "target_value": "2.500,5",
            "target_year": 2028,
            "direction": "up",
            "position": 0,
        },
    )
    assert response.status_code == 302, response.text
    indicator = Indicator.objects.get()
    assert indicator.baseline_value == Decimal(1234)
    assert indicator.target_value == Decimal("2500.5")
