"""/api/v1/: one route per path of the endpoint table, the docs page, and a JSON 404 for the
rest."""

from __future__ import annotations

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from kipu.web.api import data_views, views  # noqa: F401 - importing registers the handlers
from kipu.web.api.base import HANDLERS, route
from kipu.web.api.errors import not_found
from kipu.web.api.params import Endpoint
from kipu.web.api.schema import ENDPOINTS
from kipu.web.jobs import api as jobs_api  # noqa: F401 - registers GET /jobs/{id}

app_name = "api"
# Endpoints of the table that their own app answers and routes (its urlpatterns, included
# here by module name, so the api app imports nothing of that app): tag → module.
ROUTED_BY_APP = {"surveys": "kipu.web.surveys.api"}

_by_path: dict[str, list[Endpoint]] = {}
for _endpoint in ENDPOINTS:
    if _endpoint.tag not in ROUTED_BY_APP:
        _by_path.setdefault(_endpoint.django_path, []).append(_endpoint)
_included = [include(module) for module in ROUTED_BY_APP.values()]  # imports: registers views

urlpatterns = [
    path("docs/", views.docs, name="docs"),
    # Typed without its slash, the docs' address would fall to the JSON 404 below.
    path("docs", RedirectView.as_view(url="/api/v1/docs/", permanent=True), name="docs-bare"),
    *[path(route_path, route(group), name=group[0].name) for route_path, group in _by_path.items()],
    *[path("", included) for included in _included],  # /api/v1/surveys…
    re_path(r"^.*$", not_found, name="not_found"),
]

# After the includes: including a module imports it, which registers its handlers.
_missing = {e.name for e in ENDPOINTS} - set(HANDLERS)
if _missing:
    raise RuntimeError(f"API endpoints without a view: {sorted(_missing)}")
