"""gunicorn settings for `make serve`: HOST, PORT and TONE_WORKERS from the environment.

The app is preloaded: the model is loaded and warmed up once in the master, before the workers
fork, so every worker answers its first request at full speed and shares the model's memory.

Two settings keep that memory shared and small:
- `pre_fork` freezes the garbage collector's view of everything loaded so far (`gc.freeze()`): a
  full collection no longer walks the model and jieba's dictionary (about 50 ms each time), and the
  workers no longer copy the pages they share with the master just by collecting.
- The service never uses pandas, but scikit-learn imports it whenever it is installed (it is, with
  the optional Spark engine: `make spark-venv`), which costs every process about 65 MB. The import is
  blocked before the app loads, so the service has the same footprint with or without Spark.
"""

import gc
import os
import sys

sys.modules.setdefault("pandas", None)  # from here on, `import pandas` raises ImportError

wsgi_app = "service.wsgi:app"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("TONE_WORKERS", "2"))
worker_class = "sync"
preload_app = True
accesslog = None  # the app logs one line per request itself (service/access_log.py)
errorlog = "-"
loglevel = "info"
timeout = 30
graceful_timeout = 10


def pre_fork(server, worker) -> None:
    gc.collect()
    gc.freeze()
