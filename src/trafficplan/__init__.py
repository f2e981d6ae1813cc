"""trafficplan: planner and capacity optimizer for regional training programmes."""

__version__ = "0.1.0"
