"""`ketnoi` as a separate process for the HTTP benchmarks: the command, an admin key, and
`ketnoi serve` on a free loopback port until it answers."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def ketnoi_command() -> list[str]:
    """The `ketnoi` console script of this interpreter's environment (or its equivalent)."""
    script = Path(sys.executable).parent / "ketnoi"
    return [str(script)] if script.exists() else [sys.executable, "-c",
                                                  "from api.cli import app; app()"]


def create_admin_key(env: dict[str, str], org: str = "benchmark") -> str:
    """An admin key for the benchmark's clients, issued through the CLI."""
    done = subprocess.run([*ketnoi_command(), "keys", "create", "--role", "admin", "--org", org,
                           "--quiet"], env=env, check=True, capture_output=True, text=True,
                          timeout=600)
    return done.stdout.strip()


@contextmanager
def serving(env: dict[str, str], key: str, log_path: Path, timeout: float,
            workers: int = 1) -> Iterator[str]:
    """`ketnoi serve` with `env` (and `workers` processes) on a free loopback port; yields its
    URL once it answers an authenticated request, and stops it afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with log_path.open("w") as log:
        server = subprocess.Popen([*ketnoi_command(), "serve", "--host", "127.0.0.1", "--port",
                                   str(port), "--workers", str(workers)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            began = time.perf_counter()
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"ketnoi serve exited ({server.returncode}); "
                                       f"see {log_path}")
                try:
                    httpx.get(f"{url}/sectors", headers={"X-API-Key": key}).raise_for_status()
                    break
                except httpx.TransportError:
                    if time.perf_counter() - began > timeout:
                        raise
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
