"""The interface's translations (locale/<language>/LC_MESSAGES/django.po).

    python scripts/messages.py compile   write the .mo files Django reads (polib: no GNU
                                         gettext needed; make install/run/test do this)
    python scripts/messages.py update    extract the interface strings again into the .po
                                         files (`make messages`), then report what is missing
    python scripts/messages.py check     fail when an interface string lacks a translation
                                         (`make lint`): extracts into a temporary copy, so
                                         the working tree is left as it is

The msgids are the Dutch source strings. ``update`` and ``check`` run Django's
``makemessages``, which needs GNU gettext (xgettext, msgmerge).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import polib
from django.core.management import call_command
from django.core.management.commands import makemessages

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ["en"]  # every language but the source language, Dutch
# Not interface: third-party code, runtime files, tests and tooling.
IGNORE = [".venv", "node_modules", "var", "tests", "scripts", "locale", "build", "*.egg-info"]
# What must survive translation unchanged: Python placeholders (%(name)s, {name}), a
# literal %, HTML tags.
PLACEHOLDER = re.compile(r"%%|%\([^)]+\)[sdif]|%[sdif]|\{\w+\}|<[^>]+>")
GETTEXT_TOOLS = ["xgettext", "msgmerge", "msguniq", "msgattrib"]


def catalogues(locale: Path = LOCALE) -> Iterator[Path]:
    for language in LANGUAGES:
        yield locale / language / "LC_MESSAGES" / "django.po"


# Hand-kept, not extracted: informal Dutch (je/jij) over the formal Dutch (u/uw) of
# Django's own admin and sign-in strings, which would otherwise win.
OVERRIDES = [LOCALE / "nl" / "LC_MESSAGES" / "django.po"]


def compile_catalogues() -> int:
    for po_path in [*catalogues(), *OVERRIDES]:
        mo_path = po_path.with_suffix(".mo")
        partial = mo_path.with_suffix(".mo.partial")
        # Only translated, non-fuzzy entries go in, as with msgfmt.
        polib.pofile(str(po_path)).save_as_mofile(str(partial))
        partial.replace(mo_path)
        print(f"{mo_path.relative_to(ROOT)} compiled")
    return 0


def _require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"Extracting the interface strings needs GNU gettext ({', '.join(missing)} not "
            "found). Install it with:\n\n    sudo apt-get install gettext\n"
        )


class _Extract(makemessages.Command):
    """Django's makemessages, writing every catalogue into ``target``.

    makemessages files each source file under the ``locale`` directory above it, which is
    always the working tree's: the check points them, and the merge, at its temporary copy.
    """

    target = str(LOCALE)

    def find_files(self, root: str) -> list[Any]:
        files = super().find_files(root)
        for file in files:
            file.locale_dir = self.target
        self.locale_paths = [self.target]
        return files


def _makemessages(locale: Path) -> None:
    """Django's makemessages for every language, writing into ``locale``."""
    _require_gettext()
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    django.setup()
    command = _Extract()
    command.target = str(locale)
    call_command(command, locale=LANGUAGES, ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)


def _same_placeholders(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        pairs = [
            (entry.msgid if n == 0 else entry.msgid_plural, translation)
            for n, translation in entry.msgstr_plural.items()
        ]
    else:
        pairs = [(entry.msgid, entry.msgstr)]
    return all(
        sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation))
        for source, translation in pairs
    )


def problems(fresh: polib.POFile, committed: polib.POFile) -> list[str]:
    """What keeps ``committed`` from being a complete translation of the extracted strings."""
    known = {(entry.msgctxt, entry.msgid) for entry in committed if not entry.obsolete}
    found = []
    for entry in fresh:
        if entry.obsolete:
            continue
        places = [f"{path}:{line}" for path, line in entry.occurrences]
        where = ", ".join(places[:3]) + (", ..." if len(places) > 3 else "")
        text = entry.msgid if len(entry.msgid) <= 90 else entry.msgid[:87] + "..."
        if (entry.msgctxt, entry.msgid) not in known:
            found.append(f"  not in the catalogue  {text!r}  ({where})")
        elif entry.fuzzy:
            found.append(f"  fuzzy (check it)      {text!r}  ({where})")
        elif not entry.translated():
            found.append(f"  untranslated          {text!r}  ({where})")
        else:
            if not _same_placeholders(entry):
                found.append(f"  placeholders differ   {text!r}  ({where})")
    extracted = {(entry.msgctxt, entry.msgid) for entry in fresh if not entry.obsolete}
    for entry in committed:
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in extracted:
            found.append(f"  no longer used        {entry.msgid[:90]!r}")
    return found


def check(*, after_update: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "locale"
        shutil.copytree(LOCALE, copy)
        _makemessages(copy)
        failed = False
        for po_path, fresh_path in zip(catalogues(), catalogues(copy), strict=True):
            found = problems(polib.pofile(str(fresh_path)), polib.pofile(str(po_path)))
            if found:
                failed = True
                name = po_path.relative_to(ROOT)
                print(f"{name}: {len(found)} interface string(s) need attention:")
                print("\n".join(found))
        if failed:
            if not after_update:
                print("\nRun `make messages` to bring the catalogue up to date first.")
            print("Translate the entries in the .po file (no fuzzy flag, same placeholders).")
            return 1
    print("Every interface string has a translation.")
    return 0


def update() -> int:
    _makemessages(LOCALE)
    return check(after_update=True)


def main(argv: list[str]) -> int:
    commands = {"compile": compile_catalogues, "update": update, "check": check}
    if len(argv) != 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
