"""The application's settings, with environment defaults for the test suite.

Only environment variables are set here; everything else comes from actionplan/settings.py,
so the tests run the production settings. DATABASE_URL and REDIS_URL pass through: CI points
them at PostgreSQL and Redis, a laptop gets SQLite and the filesystem broker.
"""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SECURE", "0")
os.environ.setdefault("VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

from actionplan.settings import *  # noqa: E402,F403

# WhiteNoise expects STATIC_ROOT to exist; tests serve from the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
