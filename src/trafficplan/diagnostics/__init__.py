"""Diagnostics in plain Python (no solver): why data cannot work, why an officer is not seated.

- :mod:`trafficplan.diagnostics.prechecks`: counting pre-checks of a data folder
  (``validate``, and before every solve).
- :mod:`trafficplan.diagnostics.officer`: ``explain --officer``: why an officer is or is not
  in a plan.
- :mod:`trafficplan.diagnostics.alternatives`: ``explain --session``: what else one session
  of a plan could be, and ``--apply-alternative``.
- :mod:`trafficplan.diagnostics.reserves`: who could take a seat freed the day before
  (``reserves.csv``).
"""
