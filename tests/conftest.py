"""Shared fixtures: a model trained once per test session on the shipped data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from model import ToneModel, load_model  # noqa: E402
from model.features import ModelConfig  # noqa: E402
from training.provenance import CORPUS_FILE, EVAL_FILES, Protected  # noqa: E402
from training.train import train  # noqa: E402


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on `data/train` (3 folds, to keep the suite quick)."""
    models = tmp_path_factory.mktemp("models")
    return train(ROOT / "data" / "train", models, ModelConfig(), folds=3, log=lambda *_: None)


@pytest.fixture(scope="session")
def tone_model(model_dir: Path) -> ToneModel:
    return load_model(model_dir)


@pytest.fixture(scope="session")
def protected() -> Protected:
    """The evaluation and corpus texts that the team's writing must not copy."""
    if not all((SHARED / name).is_file() for name in (*EVAL_FILES, CORPUS_FILE)):
        pytest.skip(f"{SHARED} is not here: the copy check reads the shared files next to the repository")
    return Protected.read(SHARED)
