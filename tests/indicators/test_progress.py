from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators.models import progress_towards_target


@pytest.mark.parametrize(
    ("baseline", "target", "value", "direction", "expected"),
    [
        (D(10), D(20), D(15), "up", D("50.0")),
        (D(10), D(20), D(25), "up", D("150.0")),  # target exceeded
        (D(10), D(20), D(5), "up", D(0)),  # moved the wrong way: never negative
        (D(40), D(20), D(30), "down", D("50.0")),  # falling target
        (D(40), D(20), D(10), "down", D("150.0")),
        (None, D(200), D(50), "up", D("25.0")),  # no baseline: from zero
        (D(10), D(10), D(10), "up", D(100)),  # baseline equals target, no division
        (D(10), D(10), D(9), "up", D(0)),
        (D(10), D(10), D(9), "down", D(100)),
        (D(5), D(5), D(5), "keep", D(100)),
        (D(5), D(5), D(6), "keep", D(0)),
        (D(10), D(20), None, "up", None),  # no value yet
        (D(10), None, D(15), "up", None),  # no target
    ],
)
def test_progress_towards_target(baseline, target, value, direction, expected):
    assert (
        progress_towards_target(baseline=baseline, target=target, value=value, direction=direction)
        == expected
    )
