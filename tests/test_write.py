"""Writing reports: devices and pipes are written into, never replaced."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def test_writing_to_a_device_or_pipe_never_replaces_it(tmp_path: Path) -> None:
    import stat

    from verify.report import write_output

    write_output(os.devnull, "report\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    write_output(str(fifo), "through the pipe\n")
    assert reader.communicate(timeout=10)[0] == "through the pipe\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
