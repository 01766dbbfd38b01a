"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything that shapes it: config,
domain, training data, Wegwijs' NLU code and data, and the pinned packages.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, Optional

from bot.settings import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"
MODEL_INPUTS = (
    "config.yml",
    "domain",
    "data",
    "nlu_components",
    "bot/language.py",
    "bot/life_domains.py",
    "bot/triage",
    "bot/data",
    "requirements/lock.txt",
)


class NoModelError(RuntimeError):
    pass


def _files(root: Path, inputs: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for name in inputs:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(found)


def inputs_hash(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in _files(root, MODEL_INPUTS):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_file(fingerprint: str) -> Path:
    return MODELS_DIR / f"wegwijs-{fingerprint}.tar.gz"


def current_model() -> Path:
    """The trained model for the current inputs (WEGWIJS_MODEL overrides)."""
    override = os.environ.get("WEGWIJS_MODEL")
    if override:
        path = Path(override)
        if not path.is_file():
            raise NoModelError(f"WEGWIJS_MODEL points to {path}, which does not exist.")
        return path
    path = model_file(inputs_hash())
    if path.is_file():
        return path
    raise NoModelError(
        "No trained model for the current configuration, domain and data. "
        "Run `make train` (or `.venv/bin/wegwijs train`) first."
    )


def train(force: bool = False, out: Optional[Path] = None) -> Path:
    fingerprint = inputs_hash()
    target = model_file(fingerprint)
    if target.is_file() and not force:
        print(f"Model is up to date: {target.relative_to(PROJECT_ROOT)}")
        return target
    MODELS_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    command = [
        str(Path(sys.executable).with_name("rasa")), "train",
        "--config", "config.yml", "--domain", "domain", "--data", "data",
        "--out", str(MODELS_DIR), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        # `make validate` checks domain and data more strictly (warnings fail) and runs
        # first in `make test`; Rasa's own check here would add 20-40 s to every training.
        "--skip-validation",
    ]
    print("Training the model (inputs changed):", " ".join(command[1:]), flush=True)
    subprocess.run(command, cwd=PROJECT_ROOT, check=True)
    seconds = time.monotonic() - started
    (MODELS_DIR / "last-training-seconds").write_text(f"{seconds:.1f}\n")
    for old in MODELS_DIR.glob("wegwijs-*.tar.gz"):
        if old != target:
            old.unlink()
    print(f"Trained {target.relative_to(PROJECT_ROOT)} in {seconds:.0f} s")
    return target
