from django.urls import path, re_path

from kipu.web.reports import views

app_name = "reports"
MONTH = r"(?P<month>\d{4}-(0[1-9]|1[0-2]))"

urlpatterns = [
    path("", views.report_list, name="list"),
    re_path(
        rf"^(?P<platform>[a-z0-9-]+)/{MONTH}/(?P<lang>en|es)/v(?P<number>\d+)/"
        r"(?P<name>sitrep\.(html|pdf|docx)|figures\.json|figures/[\w-]+\.(svg|png))$",
        views.report_file,
        name="file",
    ),
]
