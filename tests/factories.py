"""factory_boy factories; writes go through the services, as in the application."""

from __future__ import annotations

from typing import Any

import factory

from actionplan import services
from actionplan.models import (
    Action,
    Administration,
    Minister,
    OperationalGoal,
    Plan,
    Role,
    StrategicGoal,
    User,
)


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ADM{n}")
    name = factory.Sequence(lambda n: f"Testadministratie {n}")


class MinisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minister

    name = factory.Sequence(lambda n: f"Testminister {n}")
    portfolio = "Testbevoegdheid"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    role = Role.READER
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def administrations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.administrations.set(extracted)
        if create:
            self.save()


class OperationalGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperationalGoal

    strategic_goal = factory.LazyFunction(
        lambda: StrategicGoal.objects.get(plan=Plan.objects.first(), number=1)
    )
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Operationele testdoelstelling {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> OperationalGoal:
        return services.operational_goal_save(goal=model_class(*args, **kwargs), reason="test")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    operational_goal = factory.SubFactory(OperationalGoalFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Testactie {n}")
    description = "Een SMART-omschrijving."
    lead_minister = factory.SubFactory(MinisterFactory)
    lead_administration = factory.SubFactory(AdministrationFactory)
    start_year = 2025
    end_year = 2029

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Action:
        m2m = {name: kwargs.pop(name) for name in services.ACTION_M2M_FIELDS if name in kwargs}
        action = model_class(*args, **kwargs)
        return services.action_save(action=action, m2m=m2m, reason="test")
