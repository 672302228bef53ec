"""Production server settings for `make serve` (gunicorn), overridable from the environment."""

import multiprocessing
import os

# Loopback by default: behind nginx with TRUSTED_PROXIES set, the app believes the
# X-Forwarded-For header, so only the proxy may reach this port (docs/DEPLOY.md).
bind = os.environ.get("BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
# Gunicorn's rule of thumb for sync workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
keepalive = 5
# Recycle workers now and then, so memory stays flat (the page caches are bounded anyway).
# Not too often: at 2,000 requests/s, 10,000 would restart a worker every few seconds, and
# each restart costs an import and the first render of every page again.
max_requests = 200_000
max_requests_jitter = 20_000
accesslog = os.environ.get("ACCESS_LOG") or None
# No preload: each worker opens its own database connections after the fork.
preload_app = False


def post_worker_init(worker) -> None:
    """Set up the views before the first request: a recycled worker keeps answering at speed
    instead of making one visitor wait for the imports (commands still start without them)."""
    load_views = getattr(worker.wsgi, "load_views", None)
    if load_views is not None:
        load_views()
