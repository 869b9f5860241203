"""The WSGI application (gunicorn, `kipu serve`). It starts building the public dashboards'
caches in the background, so the first visitor after a start does not wait for them
(KIPU_WARM_UP=0 turns this off)."""

import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kipu.web.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    from django.db import connection

    from kipu.web.site.views import warm_up

    try:
        warm_up()
    except Exception:  # a cold cache is no reason to stop the server: log, serve anyway
        logging.getLogger("kipu").exception("warming up the dashboards failed")
    finally:
        connection.close()


if os.environ.get("KIPU_WARM_UP", "1") == "1":
    threading.Thread(target=_warm_up, name="kipu-warm-up", daemon=True).start()
