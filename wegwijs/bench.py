"""`make bench`: one user turn through the running servers, on loopback.

Starts Rasa and the action server on spare ports with a throw-away SQLite
tracker store, then drives whole conversations through Rasa's REST channel
at 1 and at 20 concurrent conversations, back to back and with 1 s and 3 s
of reading and typing between turns (on average). Reports p50/p95 latency, messages
per second, the last training time and each process's peak memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bot.settings import PROJECT_ROOT
from wegwijs.supervisor import ServerGroup, free_ports

SCRIPT = (
    "hallo",
    "kheb schulden en ik kan mijn huur ni meer betalen",
    "ja",
    "merci",
    "bonjour, je n'arrive plus à payer l'électricité",
    "oui",
    "i need help with a letter from the commune",
    "kan ik met iemand praten",
)


def endpoints_file(directory: Path, actions_port: int, database: Path) -> Path:
    """The development profile's endpoints.yml, with another action port and tracker database."""
    import yaml

    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{actions_port}/webhook"
    endpoints["tracker_store"]["db"] = str(database)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def peak_memory_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measured(url: str, processes: dict, concurrency: int, turns: int, think: float = 0.0) -> dict:
    """One level, with each server's CPU time per user turn (what bounds throughput)."""
    before = {name: cpu_seconds(p.pid) for name, p in processes.items()}
    level = asyncio.run(_level(url, concurrency, turns, think))
    level["cpu_ms_per_turn"] = {
        name: round(1000 * (cpu_seconds(p.pid) - before[name]) / level["turns"], 1) for name, p in processes.items()
    }
    return level


async def _conversation(client: httpx.AsyncClient, url: str, latencies: list[float], think: float) -> None:
    """One whole conversation (the SCRIPT); `think` seconds of reading and typing between turns."""
    sender = uuid.uuid4().hex
    for message in SCRIPT:
        # Citizens do not type in step: exponential pauses with mean `think`.
        await asyncio.sleep(random.expovariate(1 / think) if think else 0.0)
        started = time.perf_counter()
        reply = await client.post(url, json={"sender": sender, "message": message})
        reply.raise_for_status()
        if not reply.json():
            raise RuntimeError("the assistant did not answer")
        latencies.append(time.perf_counter() - started)


async def _level(url: str, concurrency: int, total_turns: int, think: float = 0.0) -> dict:
    """`concurrency` conversations in flight at any time, until total_turns."""
    latencies: list[float] = []
    conversations = max(concurrency, total_turns // len(SCRIPT))
    in_flight = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency + 5)

    async def one(client: httpx.AsyncClient) -> None:
        async with in_flight:
            await _conversation(client, url, latencies, think)

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "concurrency": concurrency,
        "think_seconds": think,
        "turns": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "messages_per_second": round(len(ordered) / elapsed, 1),
    }


def main(turns: int = 400) -> int:
    from wegwijs.training import MODELS_DIR, current_model

    model = current_model()
    training = MODELS_DIR / "last-training-seconds"
    ports = free_ports()
    with tempfile.TemporaryDirectory() as tmp:
        endpoints = endpoints_file(Path(tmp), ports.actions, Path(tmp) / "bench.db")
        group = ServerGroup(model, ports=ports, endpoints=str(endpoints), sink=None)
        with group:
            url = f"http://127.0.0.1:{ports.rasa}/webhooks/rest/webhook"
            asyncio.run(_level(url, 4, 40))  # warm-up
            # Back-to-back turns (a stress test: the servers' capacity), then citizens
            # who read and type: 1 s (very fast) and 3 s (still fast for an SMS) on average.
            processes = {n: group.processes[n] for n in ("rasa", "actions")}
            levels = [_measured(url, processes, c, turns) for c in (1, 20)]
            levels += [_measured(url, processes, 20, turns, think) for think in (1.0, 3.0)]
            memory = {name: round(peak_memory_mb(p.pid), 1) for name, p in group.processes.items()}
    report = {
        "levels": levels,
        "training_seconds": float(training.read_text()) if training.is_file() else None,
        "peak_memory_mb": memory,
    }
    out = PROJECT_ROOT / "var" / "results" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    for level in levels:
        pace = f"{level['think_seconds']:.0f} s between turns" if level["think_seconds"] else "back to back"
        cpu = ", ".join(f"{name} {ms} ms" for name, ms in level["cpu_ms_per_turn"].items())
        print(f"{level['concurrency']:>2} concurrent conversations ({pace}): p50 {level['p50_ms']} ms, p95 {level['p95_ms']} ms, "
              f"{level['messages_per_second']} messages/s over {level['turns']} turns; CPU per turn: {cpu}")
    print(f"Last training: {report['training_seconds']} s")
    print("Peak memory (MB): " + ", ".join(f"{k} {v}" for k, v in memory.items()))
    print(f"Details: {out.relative_to(PROJECT_ROOT)}")
    return 0
