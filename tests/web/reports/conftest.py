"""What the report tests share: the IM officer signed in on the module's `demo`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kipu.web.accounts.services import assign_role
from kipu.web.platforms.models import Platform


@pytest.fixture
def admin_client(demo: Platform) -> Client:
    """A new user holding the admin role on the module's `demo`, signed in."""
    user = User.objects.create_user("user-admin", password="x" * 12)
    assign_role(user, demo, "admin")
    client = Client()
    client.force_login(user)
    return client
