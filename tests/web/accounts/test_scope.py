"""The scoping layer: who sees which submissions and activities, and may do what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from kipu.web.accounts.scope import (
    MANAGE_PLATFORM,
    VIEW_PUBLISHED,
    VIEW_UNPUBLISHED,
    Scope,
    register_month_status,
    require,
    scope_of,
)
from kipu.web.plans.models import Sector
from kipu.web.submissions.models import Activity, Submission


@pytest.fixture
def data(platform, other_platform, org_a, org_b, rows):  # noqa: ANN001
    """Org A: protection (2 rows) in May; org B: WASH (3 rows) in May, child protection in June;
    org A on the other platform: 4 protection rows."""
    return {
        "a_pro": rows(platform, org_a, "PRO", count=2),
        "b_wash": rows(platform, org_b, "WASH", count=3),
        "b_child": rows(platform, org_b, "PRO-CP", month="2019-06"),
        "other": rows(other_platform, org_a, "PRO", month="2020-01", count=4),
    }


def _activities(user, platform) -> Activity:  # noqa: ANN001
    return Scope.for_user(user, platform).activities(Activity.objects.all())


def _submissions(user, platform) -> set[int]:  # noqa: ANN001
    return set(
        Scope.for_user(user, platform)
        .submissions(Submission.objects.all())
        .values_list("pk", flat=True)
    )


def test_admin_sees_all_of_their_platform_and_nothing_of_another(
    data,
    admin,
    platform,
    other_platform,  # noqa: ANN001
) -> None:
    assert _activities(admin, platform).count() == 6
    assert _submissions(admin, platform) == {data[k].pk for k in ("a_pro", "b_wash", "b_child")}
    other = Scope.for_user(admin, other_platform)
    assert other.role == "public"
    assert other.activities(Activity.objects.all()).count() == 0
    assert other.submissions(Submission.objects.all()).count() == 0


def test_partner_sees_only_their_organisation(
    data,
    partner_a,
    partner_b,
    platform,
    org_a,  # noqa: ANN001
) -> None:
    mine = _activities(partner_a, platform)
    assert mine.count() == 2
    assert set(mine.values_list("submission__organisation", flat=True)) == {org_a.pk}
    assert _submissions(partner_a, platform) == {data["a_pro"].pk}
    assert _submissions(partner_b, platform) == {data["b_wash"].pk, data["b_child"].pk}
    scope = Scope.for_user(partner_a, platform)
    assert list(scope.organisations_visible()) == [org_a]


def test_coordinator_sees_their_sector_and_its_sub_sectors(
    data,
    coordinator,
    platform,  # noqa: ANN001
) -> None:
    seen = _activities(coordinator, platform)
    assert set(seen.values_list("sector__code", flat=True)) == {"PRO", "PRO-CP"}
    assert seen.count() == 3
    assert _submissions(coordinator, platform) == {data["a_pro"].pk, data["b_child"].pk}
    scope = Scope.for_user(coordinator, platform)
    assert scope.can_read_sector(Sector.objects.get(plan__platform=platform, code="PRO-CP"))
    assert not scope.can_read_sector(Sector.objects.get(plan__platform=platform, code="WASH"))
    assert scope.can_comment()


def test_viewer_and_anonymous_see_nothing_unpublished(
    data,
    viewer,
    anonymous,
    platform,  # noqa: ANN001
) -> None:
    for user in (viewer, anonymous, None):
        assert _activities(user, platform).count() == 0
        assert _submissions(user, platform) == set()
        scope = Scope.for_user(user, platform)
        assert not scope.can_view_unpublished()
        assert scope.organisations_visible().count() == 0


def test_everyone_sees_published_months(
    data,
    viewer,
    anonymous,
    partner_a,
    platform,  # noqa: ANN001
) -> None:
    def published(p):  # noqa: ANN001, ANN202
        return {"2019-05"}

    for user in (viewer, anonymous):
        scope = Scope.for_user(user, platform, published_months=published)
        assert scope.activities(Activity.objects.all()).count() == 5
        assert scope.own_activities(Activity.objects.all()).count() == 0
        assert scope.submissions(Submission.objects.all()).count() == 0
    # A partner: their own rows, any month, plus the published month of others.
    scope = Scope.for_user(partner_a, platform, published_months=published)
    assert scope.activities(Activity.objects.all()).count() == 5
    assert scope.own_activities(Activity.objects.all()).count() == 2
    assert scope.published_activities(Activity.objects.all()).count() == 5


def test_registered_month_status_is_used(platform, viewer, monkeypatch) -> None:  # noqa: ANN001
    from kipu.web.accounts import scope as scope_module

    monkeypatch.setattr(scope_module, "_month_status", dict(scope_module._month_status))
    register_month_status(published=lambda p: ["2019-01"], locked=lambda p: {"2019-02"})
    scope = Scope.for_user(viewer, platform)
    assert scope.is_published("2019-01") and not scope.is_published("2019-02")
    assert scope.is_locked("2019-02")


def test_upload_rights_follow_organisation_and_lock(
    platform,
    admin,
    partner_a,
    coordinator,
    viewer,
    org_a,
    org_b,  # noqa: ANN001
) -> None:
    def locked(p):  # noqa: ANN001, ANN202
        return {"2019-04"}

    partner = Scope.for_user(partner_a, platform, locked_months=locked)
    assert partner.can_upload(org_a, "2019-05")
    assert not partner.can_upload(org_b, "2019-05")
    assert not partner.can_upload(org_a, "2019-04")
    assert Scope.for_user(admin, platform, locked_months=locked).can_upload(org_b, "2019-05")
    assert not Scope.for_user(admin, platform, locked_months=locked).can_upload(org_b, "2019-04")
    assert not Scope.for_user(coordinator, platform).can_upload(org_a, "2019-05")
    assert not Scope.for_user(viewer, platform).can_upload(org_a, "2019-05")


def test_roles_and_management(platform, admin, coordinator, partner_a, viewer) -> None:  # noqa: ANN001
    roles = {
        u.username: Scope.for_user(u, platform) for u in (admin, coordinator, partner_a, viewer)
    }
    assert [s.role for s in roles.values()] == ["admin", "coordinator", "partner", "viewer"]
    assert [s.can_manage_platform() for s in roles.values()] == [True, False, False, False]
    assert [s.can_view_unpublished() for s in roles.values()] == [True, True, True, False]


def test_superuser_is_admin_everywhere_and_inactive_user_is_public(
    platform,
    other_platform,
    partner_a,  # noqa: ANN001
) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x")
    assert Scope.for_user(root, other_platform).role == "admin"
    partner_a.is_active = False
    assert Scope.for_user(partner_a, platform).role == "public"


def _view(request, platform):  # noqa: ANN001, ANN202
    return HttpResponse(scope_of(request).role)


@pytest.mark.parametrize(
    ("who", "permission", "expected"),
    [
        ("admin", MANAGE_PLATFORM, 200),
        ("partner_a", MANAGE_PLATFORM, 403),
        ("viewer", VIEW_UNPUBLISHED, 403),
        ("partner_a", VIEW_UNPUBLISHED, 200),
        ("anonymous", VIEW_UNPUBLISHED, 302),
        ("anonymous", VIEW_PUBLISHED, 200),
    ],
)
def test_require_decorator(request, platform, who, permission, expected) -> None:  # noqa: ANN001
    user = request.getfixturevalue(who)
    guarded = require(permission)(_view)
    http = RequestFactory().get(f"/x/{platform.slug}/")
    http.user = user
    try:
        response = guarded(http, platform=platform.slug)
    except PermissionDenied:
        status = 403
    else:
        status = response.status_code
        if status == 302:
            assert response["Location"].startswith("/accounts/login/?next=")
    assert status == expected


def test_require_rejects_unknown_permissions() -> None:
    with pytest.raises(ValueError, match="unknown permission"):
        require("fly")
