"""Fixtures of the actionplan tests."""

from __future__ import annotations

import pytest

from actionplan.models import User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, plan):
    user: User = UserFactory(username="beheer", role="coordinator", is_staff=True)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client
