"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Command-line options override these (``--bind``, ``--workers``); so do the environment
variables below. docs/deploy.md explains the choices.
"""

import multiprocessing
import os

#: nginx proxies to this address; keep it on loopback (or a private network) only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Sync workers: each serves one request at a time, and nginx in front buffers slow clients,
#: so a worker is never held by a slow upload or download. Two per core plus one by default.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
#: A request still running after this many seconds is killed (its transaction rolls back).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
#: On TERM (a deploy or restart), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
#: Restart a worker after this many requests (0: never). Set it only to contain a leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
#: Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

#: The app writes its own access lines (JSON, with the request id) when FORUM_LOG_FORMAT=json;
#: gunicorn's own messages go to standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "forum"
#: No control socket: it lives at one path per user, so two servers on a host would collide;
#: signals (HUP, TERM, TTIN, TTOU) do the same job.
control_socket_disable = True
