"""Plain views of the public site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kipu.web.plans.queries import plan_summary
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import member_organisations


def home(request: HttpRequest) -> HttpResponse:
    """The default platform's page: its name, its organisations, its plan."""
    platform = (
        Platform.objects.filter(level=Platform.Level.NATIONAL).first() or Platform.objects.first()
    )
    context: dict[str, object] = {"platform": platform}
    if platform is not None:
        context["organisations"] = member_organisations(platform)
        context["plans"] = plan_summary(platform)
    return render(request, "site/home.html", context)
