"""gunicorn settings for an app host: ``gunicorn -c deploy/gunicorn.conf.py``
(deploy/systemd/consult-web.service; tests/deploy/test_cluster.py starts its two hosts with this command).

The server is the one ``make run`` starts (``consult.gunicorn_conf``: uvicorn workers serving
``consult.asgi``, pages on a bounded pool of threads, live event streams on each worker's event loop); this
file only changes what a host behind nginx needs. From the environment (deploy/README.md explains them):

* ``GUNICORN_BIND``: the address nginx's upstream names (default ``127.0.0.1:8000``; a private interface;
  comma-separated for several);
* ``WEB_CONCURRENCY``: worker processes (default one per core, at least 2); ``CONSULT_WEB_THREADS``:
  threads for pages in each (16); ``CONSULT_WORKER_CONNECTIONS``: open connections per worker, streams
  included (4096);
* ``GUNICORN_ACCESS_LOG``: ``-`` to log requests here too (by default only nginx logs them, without the
  clients' addresses); ``GUNICORN_LOG_LEVEL`` (info).
"""

import os

from consult.gunicorn_conf import *  # noqa: F401,F403 - make run's server, its hook and its worker class
from consult.gunicorn_conf import Worker, on_starting  # noqa: F401 - named by worker_class, called by gunicorn

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
#: longer than nginx keeps an idle connection to a host (its upstream keepalive_timeout, 60 s): nginx closes
#: first, so it never sends a request on a connection the host is closing
keepalive = 75
#: nginx logs every request (deploy/nginx/consult.conf, without the client's address)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "consult-web"
