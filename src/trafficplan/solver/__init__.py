"""The solver package: the only place OR-Tools is imported.

``solve(data, options) -> SolveResult`` builds the CP-SAT model of every hard rule
(:mod:`trafficplan.solver.rules`, one function per rule) and optimises the objectives
lexicographically (:mod:`trafficplan.solver.search`).
"""

from trafficplan.solver.api import ProgressEvent, SolveOptions, SolveResult
from trafficplan.solver.solve import solve

__all__ = ["ProgressEvent", "SolveOptions", "SolveResult", "solve"]
