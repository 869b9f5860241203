from django.urls import path

from kipu.web.console import views

app_name = "console"

urlpatterns = [
    path("", views.index, name="index"),
    path("completeness/", views.completeness, name="completeness"),
    path("reminders/", views.reminders, name="reminders"),
    path("schedule/", views.schedule, name="schedule"),
    path("issues/", views.issues, name="issues"),
    path("months/<str:month>/lock/", views.month_action, {"action": "lock"}, name="lock"),
    path("months/<str:month>/publish/", views.month_action, {"action": "publish"}, name="publish"),
    path("months/<str:month>/reopen/", views.reopen, name="reopen"),
]
