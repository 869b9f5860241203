from django.urls import include, path

from kipu.web.accounts.views import set_language

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
    # Django's switch, keeping a signed-in user's choice (their e-mails use it).
    path("i18n/setlang/", set_language, name="set_language"),
    path("reports/", include("kipu.web.reports.urls")),
    path("surveys/", include("kipu.web.surveys.urls")),
    path("jobs/", include("kipu.web.jobs.urls")),
]

# The site's styled, translated error pages (kipu.web.site.errors).
handler400 = "kipu.web.site.errors.bad_request"
handler403 = "kipu.web.site.errors.permission_denied"
handler404 = "kipu.web.site.errors.page_not_found"
handler500 = "kipu.web.site.errors.server_error"
