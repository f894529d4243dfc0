"""Drafting and changing the plan: plan versions and change requests.

Floor: above ``indicators`` (a version's snapshot holds indicators and targets), below
``fiches`` and ``evaluations`` (which list the adjustments against the baseline).
"""

from __future__ import annotations
