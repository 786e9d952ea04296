"""Start and stop the site under gunicorn on a free loopback port (load test and server tests).

The server runs with config/gunicorn.py, exactly as ``make serve`` runs it; only the
environment differs (a throwaway database, a free port).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    """A port nothing listens on right now; the OS picks it, so it is never 8000 by convention."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """Production settings for a throwaway site: DEBUG off, a one-off secret key, loopback host."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "throwaway-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py and wsgi.py choose config.settings
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py <args>`` in a subprocess with ``env``; raise with its output if it fails."""
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class GunicornServer:
    """``with GunicornServer(env, log_path) as server:`` serves at ``server.base_url`` until the block ends."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        port: int | None = None,
        app: str | None = None,
        workers: int | None = None,
    ):
        self.port = port or free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        if workers is not None:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log_path = Path(log_path)
        self.app = app
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, ready_timeout: float = 30) -> "GunicornServer":
        command = [str(GUNICORN), "--config", str(BASE_DIR / "config" / "gunicorn.py")]
        if self.app:
            command.append(self.app)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with status {self.process.returncode}:\n{self.log_tail()}")
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"gunicorn did not answer within {ready_timeout:.0f} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/robots.txt", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def worker_pids(self) -> set[int]:
        """The master's live worker processes (from /proc; Linux only)."""
        assert self.process is not None, "the server is not running"
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its live workers (Linux only)."""
        assert self.process is not None, "the server is not running"
        total = 0
        for pid in {self.process.pid} | self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # a worker that just exited
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self, *, timeout: float = 35) -> None:
        """SIGTERM (graceful: requests in flight finish), then SIGKILL the whole group if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def __enter__(self) -> "GunicornServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
