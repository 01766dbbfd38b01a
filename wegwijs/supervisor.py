"""Runs Rasa, the action server, the web app and the worker together, output prefixed.

Ctrl-C (or SIGTERM) stops all four; if one of them dies, the others are
stopped too, so a half-running assistant never hides a failure. Tests and
benchmarks start the same group on other ports with `ServerGroup`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Mapping, Optional, Sequence

from bot.settings import PROJECT_ROOT, Settings, SettingsError

_COLOURS = {"rasa": "\033[36m", "actions": "\033[35m", "web": "\033[32m", "worker": "\033[33m"}


@dataclass(frozen=True)
class Ports:
    rasa: int = 5005
    actions: int = 5055
    web: int = 8000
    worker: Optional[int] = None  # the worker's health port; default: the web port + 1

    @property
    def worker_health(self) -> int:
        return self.worker or self.web + 1


def free_ports() -> Ports:
    """Four ports the system has free now, for a group started beside others (tests,
    benchmarks): two test runs or a test run and `make run` never fight over a port."""
    sockets = [socket.socket() for _ in range(4)]
    try:
        for sock in sockets:  # all bound at once, so the four differ
            sock.bind(("127.0.0.1", 0))
        rasa, actions, web, worker = (sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()
    return Ports(rasa=rasa, actions=actions, web=web, worker=worker)


@dataclass(frozen=True)
class Component:
    name: str
    command: Sequence[str]
    health_url: str
    env: dict = field(default_factory=dict)


def components(profile: str, model: Path, ports: Ports, endpoints: Optional[str] = None) -> list[Component]:
    bin_dir = Path(sys.executable).parent
    if profile == "production":
        endpoints = endpoints or "config/production/endpoints.yml"
        credentials = "config/production/credentials.yml"
        actions_host = os.environ.get("WEGWIJS_ACTIONS_HOST", "127.0.0.1")
        rasa_host = os.environ.get("WEGWIJS_RASA_HOST", "0.0.0.0")
    else:
        endpoints = endpoints or "endpoints.yml"
        credentials = "credentials.yml"
        actions_host = rasa_host = "127.0.0.1"
    return [
        Component(
            "rasa",
            [str(bin_dir / "rasa"), "run", "--model", str(model), "--endpoints", endpoints,
             "--credentials", credentials, "--port", str(ports.rasa), "--interface", rasa_host],
            f"http://127.0.0.1:{ports.rasa}/",
        ),
        # rasa_sdk reads its listening address from SANIC_HOST.
        Component(
            "actions",
            [str(bin_dir / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(ports.actions)],
            f"http://127.0.0.1:{ports.actions}/health",
            env={"SANIC_HOST": actions_host},
        ),
        Component(
            "web",
            [str(bin_dir / "wegwijs"), "web"],
            f"http://127.0.0.1:{ports.web}/health",
            env={"WEGWIJS_WEB_PORT": str(ports.web)},
        ),
        # Reminders, follow-ups, resends and webhooks; its health port says cycles complete.
        Component(
            "worker",
            [str(bin_dir / "wegwijs"), "worker"],
            f"http://127.0.0.1:{ports.worker_health}/health",
            env={"WEGWIJS_WORKER_PORT": str(ports.worker_health)},
        ),
    ]


def _pipe(name: str, stream: IO[bytes], sink: Optional[IO[str]], lock: threading.Lock) -> None:
    tty = sink is not None and sink.isatty()
    colour = _COLOURS.get(name, "") if tty else ""
    reset = "\033[0m" if colour else ""
    prefix = f"{colour}{name:>7} |{reset} "
    for raw in iter(stream.readline, b""):
        if sink is None:
            continue
        line = raw.decode("utf-8", errors="replace").rstrip("\n")
        with lock:
            sink.write(prefix + line + "\n")
            sink.flush()


class ServerGroup:
    """The processes, started together and stopped together (`only`: some of them)."""

    def __init__(
        self,
        model: Path,
        profile: str = "development",
        ports: Ports = Ports(),
        env: Optional[Mapping[str, str]] = None,
        endpoints: Optional[str] = None,
        sink: Optional[IO[str]] = sys.stdout,
        only: Optional[Sequence[str]] = None,
    ) -> None:
        self.environ = {**os.environ, **(env or {}), "WEGWIJS_ENV": profile}
        self.components = [
            c for c in components(profile, model, ports, endpoints) if only is None or c.name in only
        ]
        self.sink = sink
        self.processes: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def start(self) -> "ServerGroup":
        (PROJECT_ROOT / "var").mkdir(exist_ok=True)
        for component in self.components:
            self.start_one(component.name)
        return self

    def start_one(self, name: str) -> None:
        component = next(c for c in self.components if c.name == name)
        process = subprocess.Popen(
            component.command, cwd=PROJECT_ROOT, env={**self.environ, **component.env},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.processes[name] = process
        threading.Thread(target=_pipe, args=(name, process.stdout, self.sink, self._lock), daemon=True).start()

    def wait_until_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        for component in self.components:
            while True:
                process = self.processes[component.name]
                if process.poll() is not None:
                    raise RuntimeError(f"{component.name} exited with {process.returncode} before it was ready")
                try:
                    with urllib.request.urlopen(component.health_url, timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{component.name} not ready after {timeout:.0f} s")
                time.sleep(0.5)

    def restart(self, name: str) -> None:
        """Stops one component, starts it again and waits until the group is ready."""
        _stop([self.processes.pop(name)], 15.0)
        self.start_one(name)
        self.wait_until_ready()

    def first_exited(self) -> Optional[str]:
        return next((n for n, p in self.processes.items() if p.poll() is not None), None)

    def stop(self, timeout: float = 15.0) -> None:
        _stop(list(self.processes.values()), timeout)
        self.processes.clear()

    def __enter__(self) -> "ServerGroup":
        """Starts the group and waits until every component answers."""
        self.start()
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _stop(processes: list[subprocess.Popen], timeout: float) -> None:
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run(profile: str = "development") -> int:
    environ = dict(os.environ, WEGWIJS_ENV=profile)
    try:
        settings = Settings.from_env(environ)
    except SettingsError as error:
        print(f"wegwijs run: {error}", file=sys.stderr)
        return 2
    from wegwijs.training import NoModelError, current_model

    try:
        model = current_model()
    except NoModelError as error:
        print(f"wegwijs run: {error}", file=sys.stderr)
        return 2
    group_ports = Ports(web=settings.web_port)
    group = ServerGroup(model, profile, group_ports)
    stopping = threading.Event()
    # Set explicitly: a shell may start a background job with SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: stopping.set())
    group.start()
    print(f"Wegwijs is starting: the chat will be on http://localhost:{settings.web_port}/ "
          f"(Rasa 5005, actions 5055, worker health {group_ports.worker_health}). Ctrl-C stops everything.", flush=True)
    exit_code = 0
    while not stopping.is_set():
        dead = group.first_exited()
        if dead:
            print(f"wegwijs run: {dead} stopped; stopping the others.", file=sys.stderr, flush=True)
            exit_code = 1
            break
        stopping.wait(0.5)
    print("Stopping Rasa, the action server, the web app and the worker.", flush=True)
    group.stop()
    return exit_code
