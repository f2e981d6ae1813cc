"""``python -m trafficplan``."""

from trafficplan.cli import main

main()
