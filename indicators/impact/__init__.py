"""Impact indicators: context and outcome indicators of the plan and its strategic goals,
with their published values broken down as the Istanbul Convention (art. 11) asks.

The models live in ``indicators.models``, the reads in ``indicators.selectors``
(``impact_tables`` for the reports); this package holds the writes, forms, pages and API.
"""
