from django.urls import re_path

from kipu.web.reports import views

app_name = "report_editor"
BASE = r"^(?P<platform>[a-z0-9-]+)/(?P<month>\d{4}-(0[1-9]|1[0-2]))/"

urlpatterns = [
    re_path(BASE + r"$", views.editor, name="edit"),
    re_path(BASE + r"preview/$", views.preview, name="preview"),
    re_path(BASE + r"render/$", views.render_version, name="render"),
    re_path(BASE + r"v(?P<number>\d+)/publish/$", views.publish_version, name="publish"),
]
