"""trafficplan: planner and capacity optimizer for regional training programmes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trafficplan")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
