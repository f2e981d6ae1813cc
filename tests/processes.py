"""Watching the processes a command under test starts (Linux ``/proc``)."""

from __future__ import annotations

import time
from pathlib import Path
from subprocess import Popen


def children_of(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the fields after the command name, which is in parentheses: state, then the parent
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_for_a_child(child: Popen[bytes], timeout: float = 60) -> None:
    """Return once ``child`` has started a process of its own (a solver process), or has
    ended, or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not children_of(child.pid) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.2)
