from django.urls import re_path

from kipu.web.reports import views

# The editor's address, /console/reports/<platform>/<month>/, is linked from the console's
# months table and the reports list: reverse it as report_editor:edit (platform, month).
app_name = "report_editor"
BASE = r"^(?P<platform>[a-z0-9-]+)/(?P<month>\d{4}-(0[1-9]|1[0-2]))/"

urlpatterns = [
    re_path(BASE + r"$", views.editor, name="edit"),
    re_path(BASE + r"preview/$", views.preview, name="preview"),
    re_path(BASE + r"render/$", views.start_render, name="render"),
    re_path(BASE + r"publish/$", views.publish, name="publish"),
]
