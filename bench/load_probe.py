"""Run in a fresh interpreter by `make bench`: import, `load_model` and first-prediction times as one JSON line.

    python -m bench.load_probe MODEL_DIR
"""

import json
import sys
import time


def main(model_dir: str) -> None:
    started = time.perf_counter()
    from model import load_model

    imported = time.perf_counter()
    tone_model = load_model(model_dir)
    loaded = time.perf_counter()
    tone_model.predict(["您好,请问有什么可以帮您"], ["在吗"])  # builds jieba's prefix dictionary
    predicted = time.perf_counter()
    print(json.dumps({"import_seconds": imported - started, "load_seconds": loaded - imported,
                      "first_predict_seconds": predicted - loaded}))


if __name__ == "__main__":
    main(sys.argv[1])
