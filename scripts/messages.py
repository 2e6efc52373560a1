#!/usr/bin/env python3
"""Find every translatable UI string of hogo and keep the English catalogue in step.

Japanese is the source language (msgids are Japanese); English is the translation in
hogo/locale/en/LC_MESSAGES/django.po. `python scripts/messages.py` adds new msgids with an empty
translation and reports how many still lack English; the test suite fails while any does.
GNU gettext is not needed.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "hogo"
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
GETTEXT_NAMES = {"_", "_lazy", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "ngettext"}
TRANSLATE = re.compile(r"""{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def template_messages(text: str) -> set[str]:
    found = {a or b for a, b in TRANSLATE.findall(text)}
    found |= {VARIABLE.sub(r"%(\1)s", body) for body in BLOCK.findall(text)}
    return found


def python_messages(text: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(text)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


def all_messages() -> set[str]:
    messages: set[str] = set()
    for path in ROOT.rglob("*.html"):
        messages |= template_messages(path.read_text(encoding="utf-8"))
    for path in ROOT.rglob("*.py"):
        if "migrations" not in path.parts:
            messages |= python_messages(path.read_text(encoding="utf-8"))
    return messages


def main() -> int:
    import polib

    catalogue = polib.pofile(str(CATALOGUE)) if CATALOGUE.exists() else polib.POFile()
    catalogue.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
    catalogue.metadata.setdefault("Language", "en")
    known = {entry.msgid for entry in catalogue}
    for msgid in sorted(all_messages() - known):
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=""))
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(CATALOGUE))
    missing = [e.msgid for e in catalogue
               if not (e.msgstr or any(e.msgstr_plural.values())) and not e.obsolete]
    print(f"{len(catalogue)} messages, {len(missing)} without English")
    for msgid in missing:
        print(f"  {msgid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
