from django.contrib.auth import views as auth_views
from django.urls import path

from kipu.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.profile, name="profile"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("platform/<slug:platform>/people/", views.people, name="people"),
    path("platform/<slug:platform>/invite/", views.invite, name="invite"),
    path(
        "platform/<slug:platform>/roles/<int:role_id>/remove/",
        views.remove_role,
        name="remove_role",
    ),
    path(
        "platform/<slug:platform>/invitations/<int:invitation_id>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path(
        "platform/<slug:platform>/users/<int:user_id>/deactivate/",
        views.set_user_active,
        {"active": False},
        name="deactivate_user",
    ),
    path(
        "platform/<slug:platform>/users/<int:user_id>/reactivate/",
        views.set_user_active,
        {"active": True},
        name="reactivate_user",
    ),
]
