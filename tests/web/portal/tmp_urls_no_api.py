# TEMPORARY while kipu.web.api.urls is being written; removed before hand-over.
from django.urls import include, path

urlpatterns = [
    path("", include("kipu.web.site.urls")),
    path("accounts/", include("kipu.web.accounts.urls")),
    path("console/audit/", include("kipu.web.audit.urls")),
    path("console/", include("kipu.web.console.urls")),
    path("portal/", include("kipu.web.portal.urls")),
    path("reference/", include("kipu.web.reference.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
