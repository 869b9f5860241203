from django.urls import include, path

urlpatterns = [
    path("", include("kipu.web.site.urls")),
    path("accounts/", include("kipu.web.accounts.urls")),
    path("console/audit/", include("kipu.web.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
