"""Add Spanish translations to the web interface's catalogue from a PO fragment, safely while
other people (or agents) do the same on this checkout.

    .venv/bin/python tools/translate.py my-strings.po

`my-strings.po` holds only the entries to set, in PO syntax (msgid / msgstr, or msgid_plural /
msgstr[0] / msgstr[1]; msgctxt where the source uses pgettext). Under an exclusive lock on
/tmp/kipu-po.lock the script refreshes the catalogue from the source (makemessages, as
tools/update-translations.sh does), sets each fragment entry (clearing "fuzzy"), writes the
catalogue, refreshes it again so msgmerge lays it out as usual, and compiles django.mo.
A fragment entry whose msgid is not in the source is listed and left out (exit status 1).
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "src/kipu/web/locale/es/LC_MESSAGES/django.po"
REFRESH = ["bash", str(ROOT / "tools/update-translations.sh")]


def main(fragment: Path) -> int:
    with fragment.open("rb") as handle:
        wanted = read_po(handle, locale="es")
    with open("/tmp/kipu-po.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(REFRESH, check=True, capture_output=True)
        with CATALOGUE.open("rb") as handle:
            catalogue = read_po(handle, locale="es")
        missing = []
        for message in wanted:
            if not message.id:
                continue  # the fragment's header
            found = catalogue.get(message.id, context=message.context)
            if found is None:
                missing.append(message.id)
                continue
            found.string = message.string
            found.flags.discard("fuzzy")
        with CATALOGUE.open("wb") as handle:
            write_po(handle, catalogue, width=79, include_previous=False)
        done = subprocess.run(REFRESH, check=True, capture_output=True, text=True)
    print(done.stderr.strip() or done.stdout.strip().splitlines()[-1])
    for message_id in missing:
        print(f"not in the source (run after the string exists): {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
