"""`make run` as a newcomer expects it: a taken port is refused at once, before installing and migrating."""

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_taken_port_is_refused_before_any_setup_step(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(["bash", "scripts/run.sh"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                                env={**os.environ, "PORT": str(port)})
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is taken" in result.stderr
    assert "PORT=8001 make run" in result.stderr
    # Nothing was installed, migrated or started first.
    assert "Migrating" not in result.stdout and "Starting the task worker" not in result.stdout

