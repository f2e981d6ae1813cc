"""Scenarios: edits of a data folder and the solves that compare them.

- :mod:`trafficplan.scenarios.edits`: ``--set KEY=VALUE`` / ``--drop KEY`` on the parsed files.
- :mod:`trafficplan.scenarios.runs`: solving scenarios in separate processes.
- :mod:`trafficplan.scenarios.comparison`: a baseline and a scenario side by side.
- :mod:`trafficplan.scenarios.capacity`: one scenario per value of a varied key.
"""
