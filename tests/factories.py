"""factory_boy factories; writes go through the services, as in the application."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import factory
import time_machine
from django.utils import timezone

from actionplan import services
from actionplan.models import (
    Action,
    ActionStage,
    Administration,
    Minister,
    OperationalGoal,
    Plan,
    Role,
    StrategicGoal,
    User,
)
from fiches.models import ReportingRound
from fiches.services import round_open
from indicators.models import Indicator
from indicators.services import indicator_save

BRUSSELS = ZoneInfo("Europe/Brussels")

ModelT = TypeVar("ModelT")


class ModelFactory(factory.django.DjangoModelFactory[ModelT]):
    """``DjangoModelFactory[Model]`` whose call, ``SomeFactory(...)``, is typed as the model.

    factory_boy 3.3 types ``SomeFactory.create()``/``.build()`` as the model, but the plain
    call goes through ``FactoryMetaClass.__call__``, which is unannotated, so mypy types
    ``SomeFactory()`` as an instance of the factory class. This ``__new__`` exists only for
    the type checker; at runtime the metaclass still dispatches to ``create``.
    """

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # mypy insists that ``__new__`` returns an instance of its own class ([misc]);
        # returning the model type is the whole point here, and it is what the metaclass
        # returns at runtime.
        def __new__(cls, *args: Any, **kwargs: Any) -> ModelT: ...  # type: ignore[misc]


class AdministrationFactory(ModelFactory[Administration]):
    class Meta:
        model = Administration
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ADM{n}")
    name = factory.Sequence(lambda n: f"Testadministratie {n}")


class MinisterFactory(ModelFactory[Minister]):
    class Meta:
        model = Minister

    name = factory.Sequence(lambda n: f"Testminister {n}")
    portfolio = "Testbevoegdheid"


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    role = Role.READER
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    # factory_boy calls this with the created user, not with the factory: hence ``obj: User``.
    @factory.post_generation
    def administrations(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.administrations.set(extracted)
        if create:
            obj.save()


class OperationalGoalFactory(ModelFactory[OperationalGoal]):
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


class ActionFactory(ModelFactory[Action]):
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


class ProposalFactory(ActionFactory):
    """An action proposed under a strategic goal, not yet clustered or approved."""

    operational_goal: Any = None
    number: Any = None
    strategic_goal = factory.LazyFunction(
        lambda: StrategicGoal.objects.get(plan=Plan.objects.first(), number=1)
    )
    stage = ActionStage.PROPOSED


def _factory_coordinator() -> User:
    """The coordinator factories act as; the same row as the ``coordinator`` fixture.

    Looked up first: the factory would set the password again, which logs that user out.
    """
    existing = User.objects.filter(username="coord").first()
    return existing or UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)


class ReportingRoundFactory(ModelFactory[ReportingRound]):
    """Opens a round through ``round_open``: it also creates that year's fiches."""

    class Meta:
        model = ReportingRound

    plan = factory.LazyFunction(lambda: Plan.objects.first())
    year = 2026
    deadline = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> ReportingRound:
        user = kwargs.pop("opened_by", None) or _factory_coordinator()
        rnd, _created = round_opened(user=user, **kwargs)
        return rnd


def round_opened(
    *, plan: Plan, year: int, deadline: dt.date, user: User, **kwargs: Any
) -> tuple[ReportingRound, int]:
    """Open a round; one whose deadline has passed is opened back then, as AJH did.

    ``round_open`` refuses a deadline in the past, so the history of earlier years is
    made on a day before that deadline (a month before it), with the clock stopped.
    """
    if deadline >= timezone.localdate():
        return round_open(plan=plan, year=year, deadline=deadline, user=user, **kwargs)
    back_then = dt.datetime.combine(deadline - dt.timedelta(days=30), dt.time(10), BRUSSELS)
    with time_machine.travel(back_then, tick=False):
        return round_open(plan=plan, year=year, deadline=deadline, user=user, **kwargs)


class IndicatorFactory(ModelFactory[Indicator]):
    """A quantitative indicator, defined through ``indicator_save``."""

    class Meta:
        model = Indicator

    action = factory.SubFactory(ActionFactory)
    name = factory.Sequence(lambda n: f"Testindicator {n}")
    kind = "quantitative"
    unit = "aantal"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Indicator:
        action = kwargs.pop("action")
        return indicator_save(action=action, user=_factory_coordinator(), data=kwargs)
