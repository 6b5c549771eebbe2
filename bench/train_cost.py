"""What `make train` costs, how long a model takes to load, and its size on disk."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from bench import WORK
from bench.procs import MB, require_success, run_measured

TRAIN_DATA = "data/train"
TIMEOUT_SECONDS = 900


def training_cost(folds: int | None, logs: Path) -> dict:
    """Wall time and peak RSS (sampled) of ``python -m training.train`` into a temporary models folder."""
    models = Path(tempfile.mkdtemp(prefix="train-", dir=WORK))
    log = logs / "train.log"
    cmd = [sys.executable, "-m", "training.train", "--data", TRAIN_DATA, "--models", models]
    try:
        measured = run_measured(cmd + (["--folds", str(folds)] if folds else []), log=log, timeout=TIMEOUT_SECONDS)
        require_success(measured, "training.train", log)
    finally:
        shutil.rmtree(models, ignore_errors=True)
    return {"data": TRAIN_DATA, "folds": folds or "default", "seconds": measured.seconds,
            "peak_rss_mb": measured.peak_tree_rss_mb}


def loading_cost(model_dir: Path, logs: Path) -> dict:
    """Import, load and first-prediction times in a fresh interpreter, and the model's size on disk."""
    log = logs / "load-probe.log"
    measured = run_measured([sys.executable, "-m", "bench.load_probe", model_dir], log=log, timeout=120)
    require_success(measured, "bench.load_probe", log)
    times = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
    directory = model_dir.resolve()
    return {**times, "model_joblib_mb": (directory / "model.joblib").stat().st_size / MB,
            "directory_mb": sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / MB}
