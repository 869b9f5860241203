from django.urls import path

from kipu.web.reference import views

app_name = "reference"

urlpatterns = [
    path("", views.index, name="index"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_new"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("plan/", views.plan, name="plan"),
    path("plan/sectors/<int:pk>/edit/", views.plan_edit, {"what": "sector"}, name="sector_edit"),
    path(
        "plan/indicators/<int:pk>/edit/",
        views.plan_edit,
        {"what": "indicator"},
        name="indicator_edit",
    ),
    path("plan/targets/<int:pk>/edit/", views.plan_edit, {"what": "target"}, name="target_edit"),
    path("locations/", views.locations, name="locations"),
    path("statistics/", views.statistics, name="statistics"),
    path(
        "statistics/observations/<int:pk>/edit/",
        views.observation_edit,
        name="observation_edit",
    ),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_edit, name="event_new"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<str:kind>/import/", views.import_file, name="import"),
]
