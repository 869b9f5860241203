from django.urls import include, path

urlpatterns = [
    path("", include("kipu.web.site.urls")),
]
