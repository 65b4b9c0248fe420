"""The apply journal: a lock file recording what an apply created, so that a crash, a kill or
Ctrl-C at any point can be undone by the next run.

`<git-common-dir>/hoc-migrate/apply.lock` exists exactly while an apply runs (or after it
died). It is rewritten atomically at each stage, so it is never half-written.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoc_migrate.adapters.workspace import state_path, workspace, write_atomically
from hoc_migrate.core.errors import UsageError

LOCK_NAME = "apply.lock"


@dataclass
class Journal:
    path: Path
    data: dict[str, Any] = field(default_factory=dict)

    def record(self, **fields: Any) -> None:
        """Add `fields` and write the journal atomically (a crash leaves the old or new one)."""
        self.data.update(fields)
        write_atomically(self.path, json.dumps(self.data, indent=2).encode("utf-8"))

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


def lock_path(repo_root: Path) -> Path:
    return workspace(repo_root) / LOCK_NAME


def begin(repo_root: Path, **fields: Any) -> Journal:
    """Take the lock (refusing while another live apply holds it) and write the journal."""
    path = lock_path(repo_root)
    data = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(), **fields}
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        holder = read(repo_root) or {}
        raise UsageError(
            f"another hoc-migrate apply (pid {holder.get('pid', '?')}) is running in this "
            "repository",
            hint=f"wait for it to finish; if it is gone, the next run removes {path}",
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    return Journal(path, data)


def read(repo_root: Path) -> dict[str, Any] | None:
    path = state_path(repo_root, LOCK_NAME)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: treated as left by a dead run
    return loaded if isinstance(loaded, dict) else {}


def holder_alive(data: dict[str, Any]) -> bool:
    """Whether the process that wrote the journal still runs (on this machine)."""
    pid = data.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    if data.get("host") not in (None, socket.gethostname()):
        return True  # another machine (shared folder): we cannot tell, so we do not touch it
    return process_alive(pid)


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard(repo_root: Path) -> None:
    state_path(repo_root, LOCK_NAME).unlink(missing_ok=True)
