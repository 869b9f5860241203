from django.urls import path

from kipu.web.api import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("<int:pk>/revoke/", token_views.revoke, name="revoke"),
]
