"""gunicorn settings for `make serve`: HOST, PORT and TONE_WORKERS from the environment.

The app is preloaded: the model is loaded and warmed up once in the master, before the workers
fork, so every worker answers its first request at full speed and shares the model's memory.
"""

import os

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
