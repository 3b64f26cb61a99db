"""How busy the machine is with work that is not the benchmark's: other processes share the cores and skew the
figures, so each table says how much CPU they took while it ran (from /proc, once a second)."""

from __future__ import annotations

import collections
import os
import threading
import time
from pathlib import Path
from types import TracebackType

SERVERS = {"postgres", "nats-server"}  # shared by the benchmark and everyone else: not counted as others
TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command name, CPU seconds so far)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICK)
    return found


def _command(pid: int, name: str) -> str:
    """`python -m pytest`, `nats-server`: the program and its first words, without folders."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return name
    shown = [Path(w.decode(errors="replace")).name if i == 0 else w.decode(errors="replace")
             for i, w in enumerate(words[:3]) if w]
    return " ".join(shown)[:40] or name


def _ours(pid: int, table: dict[int, tuple[int, str, float]], me: int) -> bool:
    seen = 0
    while pid > 1 and seen < 64:
        if pid == me:
            return True
        pid = table.get(pid, (1, "", 0.0))[0]
        seen += 1
    return False


class Neighbours:
    """Context manager: CPU seconds used by processes outside this one's tree (servers excepted) meanwhile."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.by_name: collections.Counter[str] = collections.Counter()
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="neighbours", daemon=True)

    def __enter__(self) -> Neighbours:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.seconds = time.monotonic() - self._start

    def _watch(self) -> None:
        me = os.getpid()
        before = _processes()
        while not self._stop.wait(self.interval):
            now = _processes()
            for pid, (_, name, cpu) in now.items():
                used = cpu - before[pid][2] if pid in before else 0.0
                if used > 0 and name not in SERVERS and not _ours(pid, now, me):
                    self.by_name[_command(pid, name)] += used
            before = now

    @property
    def cores(self) -> float:
        """Mean cores the other processes kept busy."""
        return sum(self.by_name.values()) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        top = ", ".join(f"{name} {cpu / self.seconds:.2f}" for name, cpu in self.by_name.most_common(3)
                        if cpu / self.seconds >= 0.05)
        used = f"other processes used {self.cores:.2f} of {os.cpu_count()} cores meanwhile"
        return used + (f" ({top})" if top else "")
