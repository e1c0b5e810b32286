"""`python bench/own_peak_memory.py OUT MODULE ARGS...`: runs `python -m MODULE ARGS...` and, on the way out, writes
this process's own peak resident memory (KiB) to OUT.

The kernel's ru_maxrss (getrusage, wait4) is no good for a child: at exec it keeps the high-water mark of the memory
it replaces, which after fork/vfork is the parent's, so a child started by a large parent "peaks" at the parent's
size whatever it does. VmHWM is the high-water mark of this process's own memory since exec.
"""
from __future__ import annotations

import atexit
import runpy
import sys


def own_peak_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def _write_peak(path: str) -> None:
    with open(path, "w") as fh:
        fh.write(str(own_peak_kib()))


if __name__ == "__main__":
    out, module, *args = sys.argv[1:]
    atexit.register(_write_peak, out)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
