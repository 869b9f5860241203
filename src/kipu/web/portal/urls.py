from django.urls import path

from kipu.web.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("template/", views.template, name="template"),
    path("upload/", views.upload, name="upload"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/annotated.xlsx", views.annotated, name="annotated"),
]
