from django.urls import path

from kipu.web.site import views

urlpatterns = [
    path("", views.home, name="home"),
]
