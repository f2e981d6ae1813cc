"""The solver package: the only place OR-Tools is imported.

``solve(data, options) -> SolveResult`` builds the CP-SAT model of every hard rule
(:mod:`trafficplan.solver.rules`, one function per rule) and optimises the objectives
lexicographically (:mod:`trafficplan.solver.solve`). ``explain_infeasibility`` and
``solve_relaxed`` answer "why is there no plan?" (:mod:`trafficplan.solver.explain`,
:mod:`trafficplan.solver.relax`).
"""

from trafficplan.solver.api import ProgressEvent, SolveOptions, SolveResult
from trafficplan.solver.explain import Explanation, ExplanationItem, explain_infeasibility
from trafficplan.solver.relax import solve_relaxed
from trafficplan.solver.solve import solve

__all__ = [
    "Explanation",
    "ExplanationItem",
    "ProgressEvent",
    "SolveOptions",
    "SolveResult",
    "explain_infeasibility",
    "solve",
    "solve_relaxed",
]
