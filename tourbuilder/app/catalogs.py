"""Compile the app's message catalogues (translations/<lang>/LC_MESSAGES/messages.po) to .mo.

Only .po files are kept in git. The package build (hatch_build.py, which loads this file by
its path, so it may import nothing but Babel) compiles them into the wheel, and the app
compiles any catalogue whose .mo is missing or older than its .po when it starts (so a
checkout, the tests and an edited .po need no extra step).

To add texts: mark them with _() in templates and gettext()/N_() in code, then
    pybabel extract -F tourbuilder/app/babel.cfg -k N_ -o /tmp/messages.pot .
    pybabel update -i /tmp/messages.pot -d tourbuilder/app/translations --no-fuzzy-matching
and translate the new entries in the .po files (tests/test_app_i18n.py lists missing ones).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "translations"


def compile_catalogs(folder: Path = FOLDER, *, force: bool = False) -> list[Path]:
    """Write each stale .mo next to its .po (atomically); return the .mo files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.chmod(tmp, 0o644)
            os.replace(tmp, mo)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogs(force=True):
        print(path)
