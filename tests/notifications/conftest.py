from __future__ import annotations

# The fiches of the fiche tests: A leads "own", B leads "other" and "co_led" (co-led by A).
from tests.fiches.conftest import actions, fiches  # noqa: F401
