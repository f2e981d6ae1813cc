"""``python -m trafficplan.datagen``: see :mod:`trafficplan.datagen`."""

import sys

from trafficplan.datagen import main

sys.exit(main())
