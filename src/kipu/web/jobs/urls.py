from django.urls import path

from kipu.web.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/files/<str:name>", views.download, name="download"),
    path("start/<str:kind>/", views.start, name="start"),
]
