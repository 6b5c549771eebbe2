"""The model a worker serves, and switching it to a new version without dropping a request.

`reload` loads and checks the new model first; only then does it take the place of the old one
(a single reference swap, so a request in flight finishes on the model it started with) and is
written to the shared state file. Every worker compares that file with what it serves before each
request and follows it. A model that fails to load is refused and the old one stays.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from model import ModelLoadError, ToneModel, load_model

logger = logging.getLogger("tone.model")


class ModelHolder:
    def __init__(self, directory: str | Path, thresholds: dict[str, float], state_file: Path) -> None:
        self.thresholds = thresholds
        self.state_file = state_file
        self.model = load_model(directory, thresholds)
        self.directory = Path(directory).resolve()
        self._seen = self._state_stamp()

    def current(self) -> ToneModel:
        """The model to serve this request: the one the state file names, if another worker switched."""
        stamp = self._state_stamp()
        if stamp != self._seen:
            self._seen = stamp
            try:
                target = Path(self.state_file.read_text(encoding="utf-8").strip())
                if target != self.directory:
                    self._swap(target)
            except (OSError, ModelLoadError) as exc:
                logger.error("keeping model %s: cannot follow the switch: %s", self.model.version, exc)
        return self.model

    def reload(self, directory: str | Path) -> ToneModel:
        """Load `directory` (resolving a link such as models/current now), serve it, and tell the other workers."""
        target = Path(directory).resolve()
        self._swap(target)
        staging = self.state_file.with_name(f".{self.state_file.name}.{os.getpid()}")
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        staging.write_text(str(target), encoding="utf-8")
        staging.replace(self.state_file)
        self._seen = self._state_stamp()
        return self.model

    def _swap(self, target: Path) -> None:
        model = load_model(target, self.thresholds)  # raises ModelLoadError: the old model stays
        self.model, self.directory = model, target
        logger.info("now serving model %s from %s", model.version, target)

    def _state_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.state_file.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size
