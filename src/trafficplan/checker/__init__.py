"""The independent plan checker: every hard rule of the spec, recomputed from the plan.

It shares nothing with the solver; it reads only the data's lookups, the working-day calendar
and the distance function. ``check_plan(data, plan)`` returns a :class:`CheckReport`.
"""

from trafficplan.checker.check import check_plan
from trafficplan.checker.report import CheckReport, Violation
from trafficplan.checker.rules import RULE_CHECKS, RULE_IDS

__all__ = ["RULE_CHECKS", "RULE_IDS", "CheckReport", "Violation", "check_plan"]
