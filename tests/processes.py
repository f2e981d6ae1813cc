"""Watching the processes a command under test starts (Linux ``/proc``)."""

from __future__ import annotations

import contextlib
import os
import signal
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


def descendants_of(pid: int) -> list[int]:
    """The ids of every process below ``pid`` (children, their children, ...)."""
    found: list[int] = []
    waiting = [pid]
    while waiting:
        for child in children_of(waiting.pop()):
            found.append(child)
            waiting.append(child)
    return found


def kill_tree(child: Popen[bytes]) -> None:
    """Kill ``child`` and every process it started (by process id: a solver process leaves
    the process group, and one left running would hold the pipes open), then reap it."""
    below = descendants_of(child.pid)  # before the kill: then they would belong to init
    for pid in [child.pid, *below]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    child.communicate(timeout=30)
