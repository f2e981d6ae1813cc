"""What the commands share: the live status line of a search that Ctrl-C stops."""

from __future__ import annotations

import signal

from trafficplan.cli.common import live_search
from trafficplan.solver import ProgressEvent, SolveOptions


def test_live_search_shows_progress_stops_on_ctrl_c_and_restores_the_handler() -> None:
    options = SolveOptions(time_limit=1.0)
    before = signal.getsignal(signal.SIGINT)
    with live_search(options, label="baseline") as status:
        assert status.line.plain == "baseline: building the model…"
        assert options.progress is not None
        options.progress(
            ProgressEvent(
                elapsed=1.5, level="cost_eur", level_index=1, levels=3, value=13239.18, bound=13000
            )
        )
        assert status.line.plain == (
            "baseline:    1.5s  level 2/3 cost_eur: best 13,239.18 EUR bound 13,000 EUR"
        )
        status.show("looking for conflicting rules (up to 5 s)…")
        assert status.line.plain == "baseline: looking for conflicting rules (up to 5 s)…"
        signal.raise_signal(signal.SIGINT)  # Ctrl-C: no KeyboardInterrupt, the search stops
        assert options.stop.is_set()
    assert signal.getsignal(signal.SIGINT) is before
