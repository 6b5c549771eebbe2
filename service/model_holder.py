"""The model a worker serves, and switching it to a new version without dropping a request.

`reload` loads and checks the new model first; only then does it take the place of the old one
(a single reference swap, so a request in flight finishes on the model it started with), is
written to the shared state file, and bumps a generation counter in memory shared by all the
workers (made before gunicorn forks them). Before each request, every worker compares that counter
with the one it last followed, a read of shared memory rather than a system call, and on a change
loads what the state file names. A model that fails to load is refused and the old one stays.
"""

from __future__ import annotations

import logging
import multiprocessing
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
        self._generation = multiprocessing.RawValue("Q", 0)  # shared with the workers forked after this
        self._switching = multiprocessing.Lock()
        self._seen = 0

    def current(self) -> ToneModel:
        """The model to serve this request: the one the state file names, if another worker switched."""
        generation = self._generation.value
        if generation != self._seen:
            self._seen = generation
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
        with self._switching:
            staging = self.state_file.with_name(f".{self.state_file.name}.{os.getpid()}")
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            staging.write_text(str(target), encoding="utf-8")
            staging.replace(self.state_file)
            self._generation.value += 1
            self._seen = self._generation.value
        return self.model

    def _swap(self, target: Path) -> None:
        model = load_model(target, self.thresholds)  # raises ModelLoadError: the old model stays
        self.model, self.directory = model, target
        logger.info("now serving model %s from %s", model.version, target)
