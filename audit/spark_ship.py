"""Getting the project's code and the model to Spark's executors, and the model loaded there once."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from pyspark import Broadcast, SparkContext

import audit
import feedback
import model
from audit.classify import load_audit_model
from model import ToneModel
from model.artifact import METADATA_FILE, PIPELINE_FILE

PACKAGES = (audit, feedback, model)  # what `python -m audit` imports; executors need audit and model

_shipped: dict[str, tempfile.TemporaryDirectory] = {}  # per Spark application: where its code zip lives
_models: dict[bytes, ToneModel] = {}  # per executor Python process: the models it loaded, by their metadata


def project_zip(path: Path) -> Path:
    """The packages as one zip for ``spark-submit --py-files`` (what ``make spark-zip`` writes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for package in PACKAGES:
            root = Path(package.__file__).parent
            for file in sorted(root.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    archive.write(file, file.relative_to(root.parent))
    return path


def ship_code(sc: SparkContext) -> None:
    """Make this checkout's packages importable on the executors, once per application.

    Nothing to do when they were imported from a zip: that zip came with ``spark-submit --py-files``.
    """
    if sc.applicationId in _shipped or not Path(model.__file__).parent.is_dir():
        return
    folder = _shipped[sc.applicationId] = tempfile.TemporaryDirectory(prefix="tone-check-code-")
    sc.addPyFile(str(project_zip(Path(folder.name) / "tone-check.zip")))


def ship_model(sc: SparkContext, model_dir: Path) -> Broadcast:
    """The model directory's two files as one broadcast variable: each executor fetches it once."""
    return sc.broadcast({name: (model_dir / name).read_bytes() for name in (METADATA_FILE, PIPELINE_FILE)})


def executor_model(shipped: Broadcast) -> ToneModel:
    """The broadcast model, loaded once per executor Python process and kept in `_models`."""
    files: dict[str, bytes] = shipped.value
    key = files[METADATA_FILE]
    if key not in _models:
        with tempfile.TemporaryDirectory(prefix="tone-model-") as folder:
            for name, data in files.items():
                (Path(folder) / name).write_bytes(data)
            _models[key] = load_audit_model(folder)
    return _models[key]
