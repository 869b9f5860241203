#!/usr/bin/env bash
# Refresh the Spanish catalogue of the web interface and compile it.
#
#   bash tools/update-translations.sh
#
# 1. makemessages collects every {% translate %}, {% blocktranslate %} and gettext() string
#    under src/kipu/web (templates and Python; tests left out) into
#    src/kipu/web/locale/es/LC_MESSAGES/django.po, keeping existing translations. New strings
#    arrive with an empty msgstr; changed ones arrive marked "fuzzy". Translate them, remove the
#    fuzzy flags, and run this script again.
# 2. compilemessages writes django.mo next to it. Commit both files.
#
# GNU gettext (msgmerge, msgfmt: `apt-get install gettext`) is needed only here. Kipu itself,
# its tests and CI read the committed django.mo and never need gettext.
# tests/web/test_i18n.py fails while an entry is untranslated or fuzzy, or the .mo is stale.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
command -v msgmerge >/dev/null || { echo "GNU gettext is missing: apt-get install gettext" >&2; exit 1; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export DJANGO_SETTINGS_MODULE=kipu.web.settings KIPU_DATA_DIR="$scratch"

cd "$root/src/kipu/web"
"$python" -m django makemessages --locale es --domain django --ignore "*/tests/*" \
    --add-location file --no-obsolete
"$python" -m django compilemessages --locale es

po=locale/es/LC_MESSAGES/django.po
# Untranslated and fuzzy entries, as msgfmt counts them.
msgfmt --statistics --output-file=/dev/null "$po"
