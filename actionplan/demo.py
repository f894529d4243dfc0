"""Synthetic demo data: clearly marked, deterministic for a given seed, fast in bulk.

Nothing here describes real people or cases. Ministers are roles with a "(demo)" label,
actions and goals are generated from word lists and say they are synthetic.

Demo rows never touch real ones: they live in a plan of their own (``demo-<code>``, a copy
of the real plan's strategic goals), with administrations, ministers and users of their own,
all marked ``is_demo``. Loading refuses to change a real row; ``demo_purge`` removes the
demo rows of this floor and nothing else (the floors above purge theirs first).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actionplan.history import bulk_m2m_history, delete_with_history
from actionplan.models import (
    Action,
    ActionQuerySet,
    Administration,
    AttentionPoint,
    CoLeadResponse,
    Minister,
    OperationalGoal,
    Plan,
    PolicyDomain,
    PortfolioHolder,
    RelatedPlan,
    Role,
    StrategicGoal,
    TargetGroup,
    User,
    ViolenceForm,
)
from actionplan.services import ACTION_M2M_FIELDS, operational_goal_save

DEMO_MARK = "Synthetisch demogegeven, geen echte actie."

# (code, name, policy domain code). The "DEMO-" prefix keeps the codes apart from real
# administrations (AJH, and whichever AJH adds), and so the demo users' names too.
DEMO_ADMINISTRATIONS = [
    ("DEMO-AJH", "Agentschap Justitie en Handhaving (demo)", "justitie-en-handhaving"),
    ("DEMO-OV", "Departement Onderwijs en Vorming (demo)", "onderwijs"),
    ("DEMO-ZW", "Departement Zorg (demo)", "zorg"),
    ("DEMO-OK", "Agentschap Opgroeien (demo)", "jeugd"),
    ("DEMO-CJM", "Departement Cultuur, Jeugd en Media (demo)", "cultuur"),
    ("DEMO-SV", "Sport Vlaanderen (demo)", "sport"),
    ("DEMO-GK", "Team Gelijke Kansen (demo)", "gelijke-kansen"),
    ("DEMO-WSE", "Departement Werk en Sociale Economie (demo)", "werk-en-sociale-economie"),
    ("DEMO-IV", "Agentschap Integratie en Inburgering (demo)", "integratie-en-inburgering"),
    ("DEMO-MED", "Vlaamse Regulator voor de Media (demo)", "media"),
]
DEMO_PLAN_PREFIX = "demo-"

# Ministers are portfolios with a demo label, never names of real people.
DEMO_MINISTERS = [
    ("Demominister Justitie en Handhaving", "Justitie en Handhaving"),
    ("Demominister Onderwijs", "Onderwijs"),
    ("Demominister Welzijn", "Welzijn en Armoedebestrijding"),
    ("Demominister Jeugd en Media", "Jeugd, Cultuur en Media"),
    ("Demominister Sport", "Sport"),
    ("Demominister Gelijke Kansen", "Gelijke Kansen en Inburgering"),
    ("Demominister Werk", "Werk en Sociale Economie"),
]

VERBS = [
    "Ontwikkelen van",
    "Uitbreiden van",
    "Evalueren van",
    "Versterken van",
    "Opzetten van",
    "Verspreiden van",
    "Verankeren van",
    "Onderzoeken van",
]
OBJECTS = [
    "een vormingsaanbod",
    "een sensibiliseringscampagne",
    "een meldpunt",
    "een draaiboek",
    "een netwerk van aanspreekpunten",
    "een screeningsinstrument",
    "een online hulpaanbod",
    "een opleiding",
    "een registratiesysteem",
    "een richtlijn",
]
TOPICS = [
    "grensoverschrijdend gedrag",
    "intrafamiliaal geweld",
    "seksueel geweld",
    "eergerelateerd geweld",
    "genitale verminking",
    "digitaal geweld",
    "spiking",
    "sextortion",
    "tienerpooiers",
    "partnergeweld",
]
SETTINGS_ = [
    "in scholen",
    "in de jeugdhulp",
    "in sportclubs",
    "in de eerste lijn",
    "in het uitgaansleven",
    "in de kinderopvang",
    "op de werkvloer",
    "online",
]


@dataclass
class DemoResult:
    plan: Plan | None = None
    operational_goals: int = 0
    actions: int = 0
    users: list[str] = field(default_factory=list)
    users_skipped: bool = False


class DemoRefused(ValueError):
    """Loading the demo would change a real row or double the demo; the message says which."""


def demo_user_specs(administration_codes: list[str]) -> list[tuple[str, str, str, str]]:
    """(username, role, first name, last name) of the demo users."""
    return [
        ("coordinator", Role.COORDINATOR, "Demo", "Coördinator"),
        ("reader", Role.READER, "Demo", "Lezer"),
        *[
            (f"editor-{code.lower()}", Role.EDITOR, "Demo", f"Redacteur {code}")
            for code in administration_codes
        ],
    ]


def demo_load(*, actions: int, seed: int) -> DemoResult:
    """Add a demo plan (a copy of the real plan's strategic goals) with demo ministers,
    administrations, operational goals, ``actions`` actions and users.

    Refuses (``DemoRefused``, nothing changed) when a real row stands where a demo row
    would go, or when the demo plan has actions already (it never doubles itself).
    """
    real = Plan.objects.filter(is_demo=False).first()
    if real is None:
        raise DemoRefused(_("Laad eerst het actieplan met load_plan."))
    code = f"{DEMO_PLAN_PREFIX}{real.code}"
    _refuse_real_rows(code, with_users=settings.DEBUG)
    if Action.objects.filter(plan__code=code).exists():
        raise DemoRefused(_("Het demoplan heeft al acties; load_demo voegt er geen toe."))
    rng = random.Random(seed)
    result = DemoResult()
    with transaction.atomic():
        administrations = _administrations()
        ministers = _ministers(administrations)
        plan = _plan(real, code, ministers[0], administrations[0])
        goals = _operational_goals(plan, rng, actions)
        result.plan = plan
        result.operational_goals = len(goals)
        result.actions = _actions(plan, goals, administrations, ministers, rng, actions)
    if settings.DEBUG:
        result.users = _users(administrations)
    else:
        result.users_skipped = True
    return result


def _refuse_real_rows(plan_code: str, *, with_users: bool) -> None:
    """Every row the demo would write to that exists and is real: refuse, name them all."""
    clashes = [
        _("actieplan %(code)s") % {"code": code}
        for code in Plan.objects.filter(code=plan_code, is_demo=False).values_list(
            "code", flat=True
        )
    ]
    codes = [code for code, _name, _domain in DEMO_ADMINISTRATIONS]
    clashes += [
        _("administratie %(code)s") % {"code": code}
        for code in Administration.objects.filter(code__in=codes, is_demo=False).values_list(
            "code", flat=True
        )
    ]
    clashes += [
        _("minister %(name)s") % {"name": name}
        for name in Minister.objects.filter(
            name__in=[name for name, _portfolio in DEMO_MINISTERS], is_demo=False
        ).values_list("name", flat=True)
    ]
    if with_users:
        names = [spec[0] for spec in demo_user_specs(codes)]
        clashes += [
            _("gebruiker %(name)s") % {"name": name}
            for name in User.objects.filter(username__in=names, is_demo=False).values_list(
                "username", flat=True
            )
        ]
    if clashes:
        raise DemoRefused(
            _(
                "Deze gegevens bestaan al en zijn geen demogegevens: %(rows)s. load_demo "
                "wijzigt geen echte gegevens; er is niets veranderd."
            )
            % {"rows": ", ".join(clashes)}
        )


def _administrations() -> list[Administration]:
    domains = {d.code: d for d in PolicyDomain.objects.all()}
    result = []
    for code, name, domain in DEMO_ADMINISTRATIONS:
        admin, _created = Administration.objects.update_or_create(
            code=code,
            defaults={"name": name, "policy_domain": domains.get(domain), "is_demo": True},
        )
        result.append(admin)
    return result


def _ministers(administrations: list[Administration]) -> list[Minister]:
    result = []
    for index, (name, portfolio) in enumerate(DEMO_MINISTERS):
        minister, _created = Minister.objects.update_or_create(
            name=name, defaults={"portfolio": portfolio, "is_demo": True}
        )
        # The first demo minister has the first demo administration (justice and the AJH).
        minister.administrations.set(administrations[index : index + 1])
        result.append(minister)
    return result


def _plan(real: Plan, code: str, minister: Minister, administration: Administration) -> Plan:
    """The demo plan: the real plan's facts and strategic goals, marked demo."""
    plan, _created = Plan.objects.update_or_create(
        code=code,
        defaults={
            "title": f"{real.title} (demo)"[:300],
            "start_year": real.start_year,
            "end_year": real.end_year,
            "coordinating_minister": real.coordinating_minister,
            "coordinating_agency": real.coordinating_agency,
            "coordinating_minister_portfolio": minister,
            "coordinating_administration": administration,
            "interim_evaluation": real.interim_evaluation,
            "final_evaluation": real.final_evaluation,
            "monitoring_method": real.monitoring_method,
            "is_demo": True,
        },
    )
    for goal in StrategicGoal.objects.filter(plan=real).order_by("number"):
        StrategicGoal.objects.update_or_create(
            plan=plan,
            number=goal.number,
            defaults={
                "title": goal.title,
                "text": goal.text,
                "policy_level": goal.policy_level,
                "is_demo": True,
            },
        )
    return plan


def _operational_goals(plan: Plan, rng: random.Random, actions: int) -> list[OperationalGoal]:
    per_goal = max(2, min(8, actions // 12 or 1))
    goals = []
    for strategic_goal in StrategicGoal.objects.filter(plan=plan).order_by("number"):
        existing = {g.number: g for g in strategic_goal.operational_goals.all()}
        for number in range(1, per_goal + 1):
            if number in existing:
                goals.append(existing[number])
                continue
            title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} rond {rng.choice(TOPICS)} (demo)"
            goal = OperationalGoal(
                strategic_goal=strategic_goal,
                number=number,
                title=title,
                text=DEMO_MARK,
                is_demo=True,
            )
            goals.append(operational_goal_save(goal=goal, reason="load_demo"))
    return goals


def _actions(
    plan: Plan,
    goals: list[OperationalGoal],
    administrations: list[Administration],
    ministers: list[Minister],
    rng: random.Random,
    count: int,
) -> int:
    forms = list(ViolenceForm.objects.all())
    groups = list(TargetGroup.objects.all())
    points = list(AttentionPoint.objects.all())
    related = list(RelatedPlan.objects.all())
    numbers: dict[int, int] = {}
    rows: list[Action] = []
    row_goals: list[OperationalGoal] = []
    m2m: list[dict[str, list]] = []
    # Deliberate patterns so that every dashboard panel has something to show: no action
    # of SD3 addresses genital mutilation and none of SD1 sex workers (coverage gaps), and
    # every fifteenth action repeats its predecessor's goal, lead and tags (overlap).
    gap_forms = {3: {"VGV"}}
    gap_groups = {1: {"sekswerkers"}}
    for i in range(count):
        # The first goals get a few more actions than the last: coverage is never even.
        goal = goals[min(int(rng.triangular(0, len(goals), 0)), len(goals) - 1)]
        lead_admin: Administration | None = rng.choice(administrations)
        sd = goal.strategic_goal.number
        tags: dict[str, list[Any]] = {
            "co_lead_ministers": rng.sample(ministers, rng.randint(0, 2)),
            "co_lead_administrations": rng.sample(administrations, rng.randint(0, 2)),
            "violence_forms": [
                f
                for f in rng.sample(forms, rng.randint(1, 3))
                if f.code not in gap_forms.get(sd, set())
            ]
            if forms
            else [],
            "target_groups": [
                g
                for g in rng.sample(groups, rng.randint(1, 3))
                if g.code not in gap_groups.get(sd, set())
            ]
            if groups
            else [],
            "attention_points": rng.sample(points, rng.randint(0, 2)) if points else [],
            "related_plans": rng.sample(related, rng.randint(0, 1)) if related else [],
        }
        if i % 15 == 14:
            goal, lead_admin = row_goals[-1], rows[-1].lead_administration
            tags["violence_forms"] = m2m[-1]["violence_forms"]
            tags["target_groups"] = m2m[-1]["target_groups"]
        row_goals.append(goal)
        numbers[goal.pk] = numbers.get(goal.pk, 0) + 1
        start = rng.choice([2025, 2025, 2026, 2026, 2027, 2028])
        end = rng.randint(start, plan.end_year)
        title = (
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} rond {rng.choice(TOPICS)} "
            f"{rng.choice(SETTINGS_)}"
        )
        # One action in twenty has no lead minister yet: a gap the dashboard shows.
        lead_minister = None if i % 20 == 19 else rng.choice(ministers)
        # Who leads an action does not also co-lead it (the rule of action_save).
        tags["co_lead_ministers"] = [m for m in tags["co_lead_ministers"] if m != lead_minister]
        tags["co_lead_administrations"] = [
            a for a in tags["co_lead_administrations"] if a != lead_admin
        ]
        rows.append(
            Action(
                operational_goal=goal,
                strategic_goal=goal.strategic_goal,
                plan=plan,
                number=numbers[goal.pk],
                code=f"{goal.code}.{numbers[goal.pk]}",
                title=title,
                description=f"Demo-actie {i + 1}. {DEMO_MARK}",
                lead_minister=lead_minister,
                lead_administration=lead_admin,
                partners=rng.choice(["", "Steunpunt (demo)", "Lokale besturen (demo)"]),
                start_year=start,
                start_quarter=rng.randint(1, 4) if start < end else 1,
                end_year=end,
                end_quarter=4,
                is_demo=True,
            )
        )
        m2m.append(tags)
    created = bulk_create_with_history(
        rows, Action, batch_size=500, default_change_reason="load_demo"
    )
    for name in ACTION_M2M_FIELDS:
        through = getattr(Action, name).through
        target = getattr(Action, name).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [
                through(action_id=action.pk, **{f"{target}_id": value.pk})
                for action, values in zip(created, m2m, strict=True)
                for value in values[name]
            ],
            batch_size=2000,
        )
    bulk_m2m_history(Action, created)
    return len(created)


def _users(administrations: list[Administration]) -> list[str]:
    # One hash for all demo users: hashing is deliberately slow, the password is the same.
    password = make_password(settings.DEMO_PASSWORD)
    names = []
    by_name = {f"editor-{a.code.lower()}": a for a in administrations}
    for username, role, first, last in demo_user_specs([a.code for a in administrations]):
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "password": password,
                "is_staff": role == Role.COORDINATOR,
                "is_superuser": role == Role.COORDINATOR,
                "email": f"{username}@demo.invalid",
                "is_demo": True,
            },
        )
        if username in by_name:
            user.administrations.add(by_name[username])
        names.append(username)
    return names


# --- Purge -------------------------------------------------------------------------------


def demo_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_demo=True)


def delete_files_on_commit(files: Iterable[FieldFile]) -> None:
    """Remove the stored files of deleted demo rows, once their deletion is committed."""
    for file in files:
        if file.name:
            transaction.on_commit(partial(file.storage.delete, file.name))


def demo_actions() -> ActionQuerySet:
    """The demo's actions: marked demo, or in a demo plan. The floors above purge the rows
    that belong to these."""
    return Action.objects.filter(Q(is_demo=True) | Q(plan__is_demo=True))


def demo_purge() -> dict[str, int]:
    """Delete this floor's demo rows and their history: actions, goals and plans marked
    demo, then demo ministers (with their holders), administrations and users.

    The floors above delete theirs first (reports, imports, fiches, plan versions, change
    requests, indicators; see ``purge_demo``); a real row
    that still points to a demo row stops the purge with ``ProtectedError``.
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        actions = demo_actions()
        delete_with_history(CoLeadResponse.objects.filter(action__in=actions))
        # A proposal merged into another points to it: undo the pointers first.
        actions.exclude(merged_into=None).update(merged_into=None)
        for name in ACTION_M2M_FIELDS:
            getattr(Action, name).through.objects.filter(action__in=actions).delete()
        counts["actions"] = delete_with_history(actions)
        counts["operational_goals"] = delete_with_history(
            OperationalGoal.objects.filter(Q(is_demo=True) | Q(strategic_goal__plan__is_demo=True))
        )
        counts["strategic_goals"] = delete_with_history(
            StrategicGoal.objects.filter(Q(is_demo=True) | Q(plan__is_demo=True))
        )
        counts["plans"] = delete_with_history(demo_plans())
        ministers = Minister.objects.filter(is_demo=True)
        delete_with_history(PortfolioHolder.objects.filter(minister__in=ministers))
        Minister.administrations.through.objects.filter(minister__in=ministers).delete()
        counts["ministers"] = delete_with_history(ministers)
        administrations = Administration.objects.filter(is_demo=True)
        Minister.administrations.through.objects.filter(administration__in=administrations).delete()
        User.administrations.through.objects.filter(administration__in=administrations).delete()
        counts["administrations"] = delete_with_history(administrations)
        counts["users"] = delete_with_history(User.objects.filter(is_demo=True))
    return counts
