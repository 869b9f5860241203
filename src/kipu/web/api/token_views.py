"""Personal API tokens in the web UI: list yours, create one (its secret shown once), revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kipu.web.api.auth import create_token, revoke_token
from kipu.web.api.models import ApiToken

MAX_ACTIVE = 20  # tokens per person: enough for scripts, few enough to review


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. 'monthly upload script'."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # login_required: a User
    tokens = ApiToken.objects.filter(user=user)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        if tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE:
            form.add_error(None, _("Revoke a token first: at most %d are active.") % MAX_ACTIVE)
        else:
            secret = create_token(user, form.cleaned_data["name"], request)
            form = TokenForm()
    # The secret is rendered in this response only; it is stored nowhere but as a hash.
    response = render(
        request,
        "api/tokens.html",
        {"tokens": tokens.order_by("-created_at"), "form": form, "secret": secret},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token, request.user, request)
    return redirect("api_tokens:list")
