"""Sign-in, passwords, invitations and the platform's people page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from kipu.web.accounts import navigation, queries, services
from kipu.web.accounts.forms import (
    AcceptInvitationForm,
    ContactForm,
    DeactivateUserForm,
    InvitationForm,
    ReasonForm,
    ThrottledAuthenticationForm,
    unsaved_user,
)
from kipu.web.accounts.models import Invitation, Role
from kipu.web.accounts.scope import MANAGE_PLATFORM, require, scope_of
from kipu.web.audit.services import client_ip
from kipu.web.security import client_address


class LoginView(auth_views.LoginView):
    """Sign-in. Without a page to go back to (or when that page is the public front page),
    each person lands on their home: the console, the portal or the dashboard
    (`navigation.landing_url`)."""

    template_name = "accounts/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        wanted = self.get_redirect_url()
        if wanted and wanted != navigation.DASHBOARD:
            return wanted
        return navigation.landing_url(self.request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        if services.allow_password_reset(email, client_address(self.request)):
            return super().form_valid(form)
        return redirect(self.success_url)  # the same answer: no mail, nothing revealed


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"roles": queries.roles_of(request.user)})


@require(MANAGE_PLATFORM)
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, platform: str) -> HttpResponse:
    """The platform's users and their roles, the invitations not used yet, and (POST) the IM
    team's contact address partners are shown."""
    scope = scope_of(request)
    contact = ContactForm(request.POST or None, initial={"im_email": scope.platform.im_email})
    if request.method == "POST" and contact.is_valid():
        services.set_im_email(
            scope.platform,
            contact.cleaned_data["im_email"],
            actor=request.user,
            ip=client_ip(request),
        )
        messages.success(request, _("The contact address is saved."))
        return redirect("accounts:people", platform=scope.platform.slug)
    context = {
        "platform": scope.platform,
        "roles": queries.platform_roles(scope.platform),
        "invitations": queries.pending_invitations(scope.platform),
        "contact": contact,
    }
    return render(
        request, "accounts/people.html", context, status=400 if request.method == "POST" else 200
    )


@require(MANAGE_PLATFORM)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, platform: str) -> HttpResponse:
    scope = scope_of(request)
    # The console's reminders link here to invite an organisation's missing focal point
    # (?role=partner&organisation=<id>): the form starts filled in, nothing is sent unasked.
    asked = {k: request.GET[k] for k in ("role", "organisation") if request.GET.get(k)}
    form = InvitationForm(request.POST or None, platform=scope.platform, initial=asked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.invite_user(
            scope.platform,
            data["email"],
            data["role"],
            organisation=data.get("organisation"),
            sectors=data.get("sectors") or [],
            accept_url=lambda token: request.build_absolute_uri(
                reverse("accounts:accept_invitation", args=[token])
            ),
            actor=request.user,
            ip=client_ip(request),
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
        return redirect("accounts:people", platform=scope.platform.slug)
    return render(request, "accounts/invite.html", {"platform": scope.platform, "form": form})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: choose a password (new account) or, for an existing account, sign in
    as it and confirm."""
    try:
        invitation = queries.invitation_from_token(token)
    except queries.InvitationInvalid as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    existing = queries.user_with_email(invitation.email)
    if existing is not None:
        return _accept_as_existing(request, invitation, existing)
    form = AcceptInvitationForm(unsaved_user(invitation.email), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(
            invitation, password=form.cleaned_data["new_password1"], ip=client_ip(request)
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to %(platform)s.") % {"platform": invitation.platform})
        return redirect(navigation.landing_url(request))
    context = {"invitation": invitation, "form": form}
    return render(request, "accounts/accept_invitation.html", context)


def _accept_as_existing(request: HttpRequest, invitation: Invitation, user: User) -> HttpResponse:
    # Granting a role to an existing account needs that account's owner: otherwise whoever
    # holds the link could attach roles to someone else's account.
    if request.user.pk != user.pk:
        return render(
            request,
            "accounts/accept_invitation.html",
            {"invitation": invitation, "sign_in_first": True},
        )
    if request.method == "POST":
        services.accept_invitation(invitation, user=user, ip=client_ip(request))
        messages.success(request, _("Your new role has been added."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/accept_invitation.html", {"invitation": invitation, "confirm": True}
    )


@require(MANAGE_PLATFORM)
@require_http_methods(["GET", "POST"])
def set_user_active(
    request: HttpRequest, platform: str, user_id: int, active: bool
) -> HttpResponse:
    """Deactivate (or reactivate) an account, with a reason kept in the audit log."""
    scope = scope_of(request)
    target = get_object_or_404(User, pk=user_id)
    if not _may_switch(request.user, target):
        raise PermissionDenied
    form = DeactivateUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        switch = services.reactivate_user if active else services.deactivate_user
        switch(
            target,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            platform=scope.platform,
            ip=client_ip(request),
        )
        done = _("%(user)s can sign in again.") if active else _("%(user)s can no longer sign in.")
        messages.success(request, done % {"user": target.get_username()})
        return redirect("accounts:people", platform=scope.platform.slug)
    context = {"platform": scope.platform, "target": target, "form": form, "active": active}
    return render(request, "accounts/set_active.html", context)


@require(MANAGE_PLATFORM)
@require_http_methods(["GET", "POST"])
def remove_role(request: HttpRequest, platform: str, role_id: int) -> HttpResponse:
    """Take a person's role on this platform away (their account and other roles stay)."""
    scope = scope_of(request)
    role = get_object_or_404(
        Role.objects.select_related("user"), pk=role_id, platform=scope.platform
    )
    if role.user_id == request.user.pk:
        raise PermissionDenied  # an admin cannot lock themselves out of their platform
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.revoke_role(
            role, actor=request.user, ip=client_ip(request), note=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("%(user)s no longer has a role on %(platform)s.")
            % {"user": role.user.get_username(), "platform": scope.platform},
        )
        return redirect("accounts:people", platform=scope.platform.slug)
    context = {"platform": scope.platform, "role": role, "form": form}
    return render(request, "accounts/remove_role.html", context)


@require(MANAGE_PLATFORM)
@require_http_methods(["GET", "POST"])
def cancel_invitation(request: HttpRequest, platform: str, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation that has not been used: its link stops working."""
    scope = scope_of(request)
    invitation = get_object_or_404(queries.pending_invitations(scope.platform), pk=invitation_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cancel_invitation(
            invitation, actor=request.user, ip=client_ip(request), note=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("The invitation to %(email)s is cancelled.") % {"email": invitation.email}
        )
        return redirect("accounts:people", platform=scope.platform.slug)
    context = {"platform": scope.platform, "invitation": invitation, "form": form}
    return render(request, "accounts/cancel_invitation.html", context)


def _may_switch(actor: Any, target: User) -> bool:
    """An admin may (de)activate others whose roles all lie on platforms they administer: one
    platform's IM team cannot lock out another platform's users."""
    if target.pk == actor.pk or (target.is_superuser and not actor.is_superuser):
        return False
    administered = set(queries.admin_platforms(actor).values_list("pk", flat=True))
    held = set(queries.roles_of(target).values_list("platform_id", flat=True))
    return actor.is_superuser or (bool(held) and held <= administered)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also keeps the choice as a signed-in user's interface
    language: reminders sent later, with no request, are written in the language the person
    last chose, not only the one they signed in with."""
    response = django_set_language(request)
    if request.method == "POST" and response.status_code in (302, 204):
        services.keep_language(request.user, request.POST.get("language", ""))
    return response
