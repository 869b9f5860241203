from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RoleName(models.TextChoices):
    ADMIN = "admin", _("platform administrator (IM team)")
    COORDINATOR = "coordinator", _("sector or area coordinator")
    PARTNER = "partner", _("partner focal point")
    VIEWER = "viewer", _("viewer")


class Role(models.Model):
    """What a user may do on one platform. A user holds at most one role per platform and may
    hold roles on several platforms."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kipu_roles"
    )
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=RoleName.choices)
    organisation = models.ForeignKey(
        "platforms.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="focal_points",
        help_text=_("The one organisation a partner focal point reports for"),
    )
    # Sector codes rather than Sector rows: a coordinator's remit outlives one year's plan, and
    # each year's plan has its own Sector rows with the same codes.
    sectors = models.JSONField(
        _("sector codes"),
        default=list,
        blank=True,
        help_text=_("Codes of the sectors or areas a coordinator covers (sub-sectors included)"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "platform"], name="one_role_per_platform"),
            models.CheckConstraint(
                condition=~Q(role="partner") | Q(organisation__isnull=False),
                name="partner_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role} – {self.platform}"


class Invitation(models.Model):
    """An e-mail invited to a platform with a role; the link in the mail is used once."""

    email = models.EmailField(_("e-mail"))
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=12, choices=RoleName.choices)
    organisation = models.ForeignKey(
        "platforms.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sectors = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Random part of the signed link: a new invitation to the same e-mail gets a new link, and
    # the stored value lets a link be checked against exactly one row.
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} on {self.platform}"


class LoginAttempt(models.Model):
    """A failed login, kept for throttling (per username and address, and per address)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at}"


class ResetRequest(models.Model):
    """A password-reset request, kept for throttling (per e-mail and per address)."""

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["email", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.at}"


class InterfaceLanguage(models.Model):
    """The interface language a user last signed in with, kept at each sign-in
    (`services.remember_language`): e-mails sent without a request (reminders) use it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kipu_language"
    )
    lang = models.CharField(max_length=5)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.lang}"
