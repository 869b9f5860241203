from django.urls import re_path

from kipu.web.surveys import views

app_name = "surveys"
SLUG = r"(?P<platform>[a-z0-9-]+)"
SURVEY = r"(?P<survey>[a-z0-9][a-z0-9-]*)"
MONTH = r"(?P<month>\d{4}-\d{2})"

urlpatterns = [
    re_path(rf"^{SLUG}/$", views.page, name="page"),
    re_path(rf"^{SLUG}/section/$", views.section, name="section"),
    re_path(rf"^{SLUG}/{SURVEY}/{MONTH}/chart\.svg$", views.chart, name="chart"),
    re_path(rf"^{SLUG}/{SURVEY}/{MONTH}/results\.csv$", views.results_file, name="results"),
    re_path(rf"^{SLUG}/manage/$", views.manage, name="manage"),
    re_path(rf"^{SLUG}/manage/rounds/(?P<pk>\d+)/$", views.round_detail, name="round"),
]
