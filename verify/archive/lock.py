"""One build at a time on an archive: ``verify index`` holds an exclusive lock on a hidden file
beside it (``.NAME.lock``) for the whole build; a second run on the same archive waits for the
first, saying so, then updates what the first built. Where the system has no ``fcntl``
(Windows), builds are not serialised."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from verify.errors import InputError


def lock_path(out: str) -> str:
    """The lock file of the archive (a file or a folder of shards) at ``out``."""
    target = os.path.abspath(out.rstrip("/\\") or out)
    return os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.lock")


@contextmanager
def build_lock(out: str, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the archive's build lock for the block (``waiting``: told once, when another run
    holds it and this one waits)."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here
        yield
        return
    path = lock_path(out)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot create the archive's lock ({exc.strerror or exc})"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(f"Waiting for another verify index on {out} to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
