#!/usr/bin/env python3
"""Set-up and run helpers that need nothing but Python 3.11.

python3 dev.py run    # create .venv, install, migrate, load demo data, serve on 127.0.0.1:8000
                      # (with the worker that sends the queued emails beside it)
python3 dev.py test   # create .venv, install, run the whole test suite (extra args go to pytest)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"


def sh(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def ensure_venv(requirements: str) -> None:
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".installed-{requirements}"
    sources = [ROOT / "requirements.txt", ROOT / requirements]
    newest = max(p.stat().st_mtime for p in sources)
    if stamp.exists() and stamp.stat().st_mtime >= newest:
        return
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
    stamp.touch()


def run() -> None:
    ensure_venv("requirements.txt")
    sh(PYTHON, "manage.py", "migrate", "--no-input")
    sh(PYTHON, "manage.py", "loaddemo")
    # The worker sends the emails the workflow queues; it lives and dies with the server.
    # Each runs in its own process group (both have a reloading child), which is stopped
    # whole when this process is stopped: Ctrl+C or SIGTERM never leaves one behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    children = [
        subprocess.Popen([str(PYTHON), "manage.py", *args], cwd=ROOT, start_new_session=True)
        for args in (["db_worker"], ["runserver", "127.0.0.1:8000"])
    ]
    try:
        children[1].wait()
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)


def test(extra: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *extra])


def main() -> None:
    command, extra = (sys.argv[1] if len(sys.argv) > 1 else ""), sys.argv[2:]
    if command == "run":
        run()
    elif command == "test":
        test(extra)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
