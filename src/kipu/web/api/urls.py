"""/api/v1/: one route per path of the endpoint table, the docs page, and a JSON 404 for the
rest."""

from __future__ import annotations

from django.urls import path, re_path

from kipu.web.api import data_views, views  # noqa: F401 - importing registers the handlers
from kipu.web.api.base import HANDLERS, route
from kipu.web.api.errors import not_found
from kipu.web.api.params import Endpoint
from kipu.web.api.schema import ENDPOINTS

app_name = "api"

_by_path: dict[str, list[Endpoint]] = {}
for _endpoint in ENDPOINTS:
    _by_path.setdefault(_endpoint.django_path, []).append(_endpoint)
_missing = {e.name for e in ENDPOINTS} - set(HANDLERS)
if _missing:
    raise RuntimeError(f"API endpoints without a view: {sorted(_missing)}")

urlpatterns = [
    path("docs/", views.docs, name="docs"),
    *[path(route_path, route(group), name=group[0].name) for route_path, group in _by_path.items()],
    re_path(r"^.*$", not_found, name="not_found"),
]
