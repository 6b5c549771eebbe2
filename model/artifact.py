"""A model is a directory: ``model.joblib`` (the fitted pipeline) and ``metadata.json``.

Loading checks that the libraries the model was fitted with are the ones installed and refuses a
mismatch: a pickled scikit-learn model is only trustworthy under the version that wrote it.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from importlib.metadata import version as installed_version
from pathlib import Path

import joblib
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.pipeline import Pipeline

from model.features import FEATURES_VERSION
from model.scorer import CACHE_SIZE
from model.tone_model import RESULT_CACHE_SIZE, ToneModel

PIPELINE_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
PINNED_LIBRARIES = ("scikit-learn", "jieba", "numpy", "scipy", "joblib")


class ModelLoadError(RuntimeError):
    """The model directory is missing, incomplete, or was made with other library versions."""


def library_versions() -> dict[str, str]:
    return {name: installed_version(name) for name in PINNED_LIBRARIES}


def save_model(pipeline: Pipeline, metadata: dict, directory: str | Path) -> Path:
    """Write the pipeline and metadata into `directory` (written aside, then renamed into place)."""
    directory = Path(directory)
    staging = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
    staging.mkdir(parents=True, exist_ok=False)
    joblib.dump(pipeline, staging / PIPELINE_FILE, compress=3)
    (staging / METADATA_FILE).write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    replace_folder(staging, directory)
    return directory


def replace_folder(finished: Path, target: Path) -> None:
    """Put a folder written aside in place of `target`; an old `target` is moved aside first, then removed."""
    if target.exists():
        retired = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(retired)
        finished.rename(target)
        shutil.rmtree(retired)
    else:
        finished.rename(target)


def load_model(directory: str | Path, thresholds: dict[str, float] | None = None,
               cache_size: int = CACHE_SIZE, results_cache_size: int = RESULT_CACHE_SIZE) -> ToneModel:
    """Load a model directory, refusing one made with other library versions (caches: see `ToneModel`)."""
    directory = Path(directory)
    try:
        metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"no model at {directory}: {METADATA_FILE} is missing (run `make train`)") from None
    except ValueError as exc:
        raise ModelLoadError(f"{directory / METADATA_FILE} is not valid JSON: {exc}") from None
    wanted, have = metadata.get("libraries", {}), library_versions()
    mismatched = {name: (v, have.get(name)) for name, v in wanted.items() if have.get(name) != v}
    if mismatched or not wanted:
        detail = ", ".join(f"{n} {w} (installed {h})" for n, (w, h) in mismatched.items()) or "no library versions"
        raise ModelLoadError(f"model at {directory} was made with {detail}; retrain it with `make train`")
    if metadata.get("features_version") != FEATURES_VERSION:
        raise ModelLoadError(f"model at {directory} was made by feature code version {metadata.get('features_version')}, "
                             f"this code is version {FEATURES_VERSION}; retrain it with `make train`")
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            pipeline = joblib.load(directory / PIPELINE_FILE)
        except FileNotFoundError:
            raise ModelLoadError(f"no model at {directory}: {PIPELINE_FILE} is missing") from None
        except InconsistentVersionWarning as exc:
            raise ModelLoadError(f"model at {directory} does not match installed scikit-learn: {exc}") from None
        except Exception as exc:  # a truncated or foreign pickle raises many kinds of error
            raise ModelLoadError(f"cannot read {directory / PIPELINE_FILE}: {exc}") from None
    if not isinstance(pipeline, Pipeline):
        raise ModelLoadError(f"{directory / PIPELINE_FILE} does not hold a scikit-learn Pipeline")
    try:
        model = ToneModel(pipeline, metadata, thresholds, cache_size, results_cache_size)
        model.predict(["您好,请问有什么可以帮您"], ["在吗"])
    except Exception as exc:  # whatever a foreign or stale pipeline raises, it is not a usable model
        raise ModelLoadError(f"model at {directory} does not work with this code: {exc!r}") from None
    return model
