"""Production defaults that are safe: HSTS for this host only, unless the deployment asks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_HSTS = (
    "import django; django.setup();"
    "from django.conf import settings as s;"
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
)


def hsts_settings(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HSTS_") and k != "SECURE"}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_HSTS],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "actionplan.settings",
            "DEBUG": "0",
            "SECRET_KEY": "a-production-secret-for-this-test-only-" + "k" * 20,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_sends_hsts_for_this_host_only_by_default():
    assert hsts_settings() == "31536000 False False"


def test_subdomains_and_preload_when_the_deployment_asks_for_them():
    asked = hsts_settings(HSTS_INCLUDE_SUBDOMAINS="1", HSTS_PRELOAD="1")

    assert asked == "31536000 True True"


def test_no_hsts_at_all_without_https_hardening():
    assert hsts_settings(SECURE="0", HSTS_PRELOAD="1") == "0 False False"
