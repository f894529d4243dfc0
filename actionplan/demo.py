"""Synthetic demo data: clearly marked, deterministic for a given seed, fast in bulk.

Nothing here describes real people or cases. Ministers are roles with a "(demo)" label,
actions and goals are generated from word lists and say they are synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actionplan.history import bulk_m2m_history
from actionplan.models import (
    Action,
    Administration,
    AttentionPoint,
    Minister,
    OperationalGoal,
    Plan,
    PolicyDomain,
    RelatedPlan,
    Role,
    StrategicGoal,
    TargetGroup,
    User,
    ViolenceForm,
)
from actionplan.services import operational_goal_save

DEMO_MARK = "Synthetisch demogegeven, geen echte actie."

# (code, name, policy domain code)
DEMO_ADMINISTRATIONS = [
    ("AJH", "Agentschap Justitie en Handhaving (demo)", "justitie-en-handhaving"),
    ("OV", "Departement Onderwijs en Vorming (demo)", "onderwijs"),
    ("ZW", "Departement Zorg en Welzijn (demo)", "welzijn"),
    ("OK", "Agentschap Opgroeien (demo)", "jeugd"),
    ("CJM", "Departement Cultuur, Jeugd en Media (demo)", "cultuur"),
    ("SV", "Sport Vlaanderen (demo)", "sport"),
    ("GK", "Team Gelijke Kansen (demo)", "gelijke-kansen"),
    ("WSE", "Departement Werk en Sociale Economie (demo)", "welzijn"),
    ("IV", "Agentschap Integratie en Inburgering (demo)", "gelijke-kansen"),
    ("MED", "Vlaamse Regulator voor de Media (demo)", "media"),
]

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
    operational_goals: int = 0
    actions: int = 0
    users: list[str] = field(default_factory=list)
    users_skipped: bool = False


def demo_load(*, actions: int, seed: int) -> DemoResult:
    """Add demo ministers, administrations, goals, ``actions`` actions and users.

    Refuses to add actions to a plan that has some already, so that it never mixes with
    real data or doubles itself.
    """
    plan = Plan.objects.first()
    if plan is None:
        raise ValueError("Laad eerst het actieplan met load_plan.")
    if Action.objects.filter(plan=plan).exists():
        raise ValueError("Dit actieplan heeft al acties; load_demo voegt er geen toe.")
    rng = random.Random(seed)
    result = DemoResult()
    with transaction.atomic():
        administrations = _administrations()
        ministers = _ministers()
        goals = _operational_goals(plan, rng, actions)
        result.operational_goals = len(goals)
        result.actions = _actions(plan, goals, administrations, ministers, rng, actions)
    if settings.DEBUG:
        result.users = _users(administrations)
    else:
        result.users_skipped = True
    return result


def _administrations() -> list[Administration]:
    domains = {d.code: d for d in PolicyDomain.objects.all()}
    result = []
    for code, name, domain in DEMO_ADMINISTRATIONS:
        admin, _ = Administration.objects.update_or_create(
            code=code,
            defaults={"name": name, "policy_domain": domains.get(domain), "is_demo": True},
        )
        result.append(admin)
    return result


def _ministers() -> list[Minister]:
    result = []
    for name, portfolio in DEMO_MINISTERS:
        minister, _ = Minister.objects.update_or_create(
            name=name, defaults={"portfolio": portfolio, "is_demo": True}
        )
        result.append(minister)
    return result


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
                strategic_goal=strategic_goal, number=number, title=title, text=DEMO_MARK
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
            "co_lead_administrations": [
                a for a in rng.sample(administrations, rng.randint(0, 2)) if a != lead_admin
            ],
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
        rows.append(
            Action(
                operational_goal=goal,
                strategic_goal=goal.strategic_goal,
                plan=plan,
                number=numbers[goal.pk],
                code=f"{goal.code}.{numbers[goal.pk]}",
                title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} rond {rng.choice(TOPICS)} "
                f"{rng.choice(SETTINGS_)}",
                description=f"Demo-actie {i + 1}. {DEMO_MARK}",
                # One action in twenty has no lead minister yet: a gap the dashboard shows.
                lead_minister=None if i % 20 == 19 else rng.choice(ministers),
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
    for name in (
        "co_lead_ministers",
        "co_lead_administrations",
        "violence_forms",
        "target_groups",
        "attention_points",
        "related_plans",
    ):
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
    specs = [
        ("coordinator", Role.COORDINATOR, "Demo", "Coördinator"),
        ("reader", Role.READER, "Demo", "Lezer"),
    ]
    specs += [
        (f"editor-{a.code.lower()}", Role.EDITOR, "Demo", f"Redacteur {a.code}")
        for a in administrations
    ]
    by_code = {f"editor-{a.code.lower()}": a for a in administrations}
    for username, role, first, last in specs:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "password": password,
                "is_staff": role == Role.COORDINATOR,
                "is_superuser": role == Role.COORDINATOR,
                "email": f"{username}@demo.invalid",
            },
        )
        if username in by_code:
            user.administrations.add(by_code[username])
        names.append(username)
    return names
