"""Check that the Russian catalogue is complete: every string the code marks for translation has a Russian
translation, none is fuzzy, and the compiled .mo matches the .po.

It runs `makemessages` on a scratch copy of the source tree (so the working tree is never touched) and compares
the fresh catalogue with the committed one."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LANGUAGES = ("ru",)


class Command(BaseCommand):
    help = "Fail when a marked string lacks a Russian translation or the .mo is stale."

    def handle(self, *args: object, **options: object) -> None:
        import polib  # type: ignore[import-untyped]

        if shutil.which("xgettext") is None:
            raise CommandError("GNU gettext (xgettext) is needed: apt-get install gettext")
        root = Path(settings.BASE_DIR)
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "src"
            shutil.copytree(
                root / "localbridge",
                copy / "localbridge",
                ignore=shutil.ignore_patterns("__pycache__", "static", "migrations", "tests"),
            )
            shutil.copy(root / "manage.py", copy / "manage.py")
            for language in LANGUAGES:
                subprocess.run(
                    [sys.executable, "../manage.py", "makemessages", "-l", language, "--no-obsolete", "-v", "0"],
                    cwd=copy / "localbridge",
                    check=True,
                    env={
                        "PATH": "/usr/bin:/bin",
                        "DJANGO_SETTINGS_MODULE": "localbridge.settings",
                        "PYTHONPATH": str(copy),
                        "LOCALBRIDGE_VAR_DIR": str(Path(scratch) / "var"),
                    },
                )
                fresh = polib.pofile(str(copy / "localbridge" / "locale" / language / "LC_MESSAGES" / "django.po"))
                committed_path = root / "localbridge" / "locale" / language / "LC_MESSAGES" / "django.po"
                committed = polib.pofile(str(committed_path)) if committed_path.exists() else polib.POFile()
                translated = {
                    (e.msgctxt, e.msgid): e
                    for e in committed
                    if not e.obsolete and "fuzzy" not in e.flags and (e.msgstr or all(e.msgstr_plural.values()))
                }
                missing = [e for e in fresh if (e.msgctxt, e.msgid) not in translated]
                for entry in missing:
                    where = entry.occurrences[0][0] if entry.occurrences else "?"
                    problems.append(f"{language}: no translation for {entry.msgid!r} ({where})")
                mo_path = committed_path.with_suffix(".mo")
                if committed_path.exists():
                    if not mo_path.exists():
                        problems.append(f"{language}: {mo_path} is missing (run ./dev messages)")
                    else:
                        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
                        stale = [k for k, e in translated.items() if e.msgstr and compiled.get(k) != e.msgstr]
                        if stale:
                            problems.append(f"{language}: {mo_path} is stale for {len(stale)} strings (./dev messages)")
        if problems:
            for line in problems[:200]:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} translation problems")
        self.stdout.write("Translations complete.")
