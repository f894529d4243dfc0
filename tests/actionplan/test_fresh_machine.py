"""What `make test` and `make run` need outside Python: checked before they start, with the
one command to run when something is missing (scripts/require)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = ROOT / "scripts" / "require"


def run_require(what: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REQUIRE), what],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_chromium_make_test_stops_with_the_command_to_install_it(tmp_path):
    result = run_require("chromium", CHROMIUM=str(tmp_path / "chromium"), REQUIRE_INSTALL="0")

    assert result.returncode == 1
    assert "sudo apt-get install chromium" in result.stderr
    assert "make test-quick" in result.stderr


def test_with_chromium_make_test_goes_on(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)

    result = run_require("chromium", CHROMIUM=str(chromium), REQUIRE_INSTALL="0")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_make_run_names_the_libraries_weasyprint_misses(tmp_path):
    python = tmp_path / "python"
    python.write_text(
        "#!/bin/sh\necho \"OSError: cannot load library 'libpango-1.0-0'\" >&2\nexit 1\n"
    )
    python.chmod(0o755)

    result = run_require("weasyprint", PYTHON_BIN=str(python))

    assert result.returncode == 1
    assert "cannot load library 'libpango-1.0-0'" in result.stderr
    assert "sudo apt-get install libpango-1.0-0" in result.stderr


def test_make_run_goes_on_when_weasyprint_loads():
    result = run_require("weasyprint")

    assert result.returncode == 0, result.stderr
