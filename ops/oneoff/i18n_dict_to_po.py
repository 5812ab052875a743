"""One-off: move the Dutch of web/i18n.py's hand-made dict into the gettext catalog.

Run once from the repository root, after `pybabel extract` wrote web/translations/messages.pot:

    PYTHONPATH=. .venv/bin/python ops/oneoff/i18n_dict_to_po.py

It writes web/translations/nl/LC_MESSAGES/messages.po (every entry of the dict, none retyped)
and web/vocabulary.py: the dict's entries that no `_()` call names literally (labels of
statuses, roles, ...; titles of errors), marked with `N_()` so that extraction keeps them.
The dict is removed afterwards; this script then has no input and goes with it.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from web.i18n import NL

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "web" / "translations" / "messages.pot"
PO = ROOT / "web" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
VOCABULARY = ROOT / "web" / "vocabulary.py"


def main() -> None:
    with POT.open("rb") as f:
        template = read_po(f)
    extracted = {m.id for m in template if m.id}
    unmarked = sorted(set(NL) - extracted)
    labels = [t for t in unmarked if t[:1].islower()]
    others = [t for t in unmarked if not t[:1].islower()]
    lines = [
        '"""Messages that the pages translate but name through a variable, never in a literal',
        "`_()` call: the labels of vocabulary values (statuses, roles, crime types, ...; see",
        "`web.i18n.label`), titles of errors, field labels. `N_()` marks them for `pybabel",
        'extract` and returns them unchanged."""',
        "",
        "from __future__ import annotations",
        "",
        "",
        "def N_(text: str) -> str:",
        "    return text",
        "",
        "",
        "LABELS = (",
        *(f"    N_({t!r})," for t in labels),
        ")",
        "",
        "TITLES_AND_FIELDS = (",
        *(f"    N_({t!r})," for t in others),
        ")",
        "",
    ]
    VOCABULARY.write_text("\n".join(lines))

    catalog = Catalog(locale="nl", project="Silver", fuzzy=False)
    for message in template:
        if message.id:
            catalog.add(message.id, NL.get(message.id, ""), flags=message.flags)
    for text in unmarked:
        catalog.add(text, NL[text])
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, sort_output=True, omit_header=False, width=100)
    print(f"{len(NL)} translations moved; {len(unmarked)} marked in {VOCABULARY.name}")


if __name__ == "__main__":
    main()
