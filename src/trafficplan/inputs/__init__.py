"""Inputs: pydantic models of the four files and the one load path."""

from trafficplan.inputs.loading import (
    DATA_FILES,
    RawData,
    build_data,
    load_data,
    read_raw,
)
from trafficplan.inputs.problem import ProblemData

__all__ = ["DATA_FILES", "ProblemData", "RawData", "build_data", "load_data", "read_raw"]
