from django.urls import path, re_path

from kipu.web.site import views

SLUG = r"(?P<platform>[a-z0-9-]+)"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("open-data/", views.open_data, name="open-data-default"),
    re_path(rf"^open-data/{SLUG}/$", views.open_data, name="open-data"),
    re_path(rf"^dashboard/{SLUG}/$", views.dashboard, name="dashboard"),
    re_path(rf"^dashboard/{SLUG}/panel/$", views.panel, name="dashboard-panel"),
    re_path(rf"^dashboard/{SLUG}/data\.json$", views.data, name="dashboard-data"),
    re_path(
        rf"^dashboard/{SLUG}/chart/(?P<name>[a-z-]+)\.(?P<ext>svg|png)$",
        views.chart_file,
        name="dashboard-chart",
    ),
    re_path(
        rf"^dashboard/{SLUG}/table/(?P<name>[a-z0-9-]+)\.(?P<ext>csv|xlsx)$",
        views.table_file,
        name="dashboard-table",
    ),
]
