from django.urls import include, path

urlpatterns = [
    path("", include("kipu.web.site.urls")),
    path("accounts/", include("kipu.web.accounts.urls")),
    path("console/audit/", include("kipu.web.audit.urls")),
    path("console/reports/", include("kipu.web.reports.editor_urls")),
    path("console/", include("kipu.web.console.urls")),
    path("portal/", include("kipu.web.portal.urls")),
    path("reference/", include("kipu.web.reference.urls")),
    path("api/v1/", include("kipu.web.api.urls")),
    path("api/tokens/", include("kipu.web.api.token_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("kipu.web.reports.urls")),
]
