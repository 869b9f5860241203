"""Forms: throttled login, invitations, accepting an invitation, deactivation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.models import User
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kipu.web.accounts.models import RoleName
from kipu.web.accounts.queries import address_locked_until, login_locked_until
from kipu.web.accounts.services import (
    RoleError,
    check_role,
    clear_login_failures,
    record_login_failure,
)
from kipu.web.plans.models import Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.security import client_address


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, refusing a username from an address after repeated failures, and every
    username from an address after many failures from it (password spraying), even with the
    right password, until the lock ends."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-in attempts. For your security, signing in as this user "
            "from here is blocked until %(time)s (UTC). You can also reset your password."
        ),
        "address_locked": _(
            "Too many failed sign-in attempts from your network address. For your security, "
            "signing in from here is blocked until %(time)s (UTC)."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_address(self.request)
        for code, until in (
            ("address_locked", address_locked_until(ip)),
            ("locked", login_locked_until(username, ip) if username else None),
        ):
            if until is not None:
                raise forms.ValidationError(
                    self.error_messages[code],
                    code=code,
                    params={"time": formats.time_format(until, "H:i")},
                )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_login_failure(username, ip)
            raise
        clear_login_failures(username, ip)
        return cleaned


# The roles from the least to the most privileged: a form offers them in this order and starts
# on the first, so a hurried click never grants more than viewing (scope.Scope.allows is the
# rule; tests/web/accounts/test_invitations.py checks this order against it).
ROLES_LEAST_PRIVILEGED_FIRST = (
    RoleName.VIEWER,
    RoleName.PARTNER,
    RoleName.COORDINATOR,
    RoleName.ADMIN,
)


class RoleFields(forms.Form):
    """Role, organisation and sectors, with choices limited to one platform."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in ROLES_LEAST_PRIVILEGED_FIRST],
        initial=ROLES_LEAST_PRIVILEGED_FIRST[0].value,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (partner focal points)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors or areas (coordinators)"), choices=[], required=False
    )

    def __init__(self, *args: Any, platform: Platform, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(memberships__platform=platform)
        codes: dict[str, str] = {}
        for code, name in (
            Sector.objects.filter(plan__platform=platform)
            .order_by("-plan__year", "order")
            .values_list("code", "name_en")
        ):
            codes.setdefault(code, f"{code} – {name}")
        sector_field = self.fields["sectors"]
        assert isinstance(sector_field, forms.MultipleChoiceField)
        sector_field.choices = sorted(codes.items())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Choices left over from another role are dropped rather than reported as errors.
        if cleaned.get("role") != RoleName.PARTNER:
            cleaned["organisation"] = None
        if cleaned.get("role") != RoleName.COORDINATOR:
            cleaned["sectors"] = []
        if "role" in cleaned:
            try:
                check_role(
                    self.platform,
                    cleaned["role"],
                    cleaned.get("organisation"),
                    cleaned.get("sectors") or [],
                )
            except RoleError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


class InvitationForm(RoleFields):
    email = forms.EmailField(label=_("E-mail"))
    field_order = ["email", "role", "organisation", "sectors"]


class ContactForm(forms.Form):
    """The platform's IM contact address, shown to partners (a closed month, a question)."""

    im_email = forms.EmailField(
        label=_("IM team's contact address"),
        required=False,
        help_text=_(
            "Partners are told to write here, for example when a month is closed. Empty: the "
            "platform's contacts in an IM role, else the administrators' addresses."
        ),
    )


class AcceptInvitationForm(SetPasswordForm):
    """Choose the password of the account an invitation creates."""


class DeactivateUserForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class ReasonForm(forms.Form):
    """An optional note for the audit log, with a confirmation button."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


def unsaved_user(email: str) -> User:
    """The account an invitation will create, for password validation against its e-mail."""
    return User(username=email, email=email)
