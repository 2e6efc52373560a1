"""Every Japanese UI string has its English translation in the catalogue."""

import importlib.util
from pathlib import Path

import polib

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "messages.py"


def load_script():
    spec = importlib.util.spec_from_file_location("messages_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_ui_string_has_english():
    script = load_script()
    catalogue = {e.msgid: e.msgstr for e in polib.pofile(str(script.CATALOGUE))}
    missing = sorted(m for m in script.all_messages() if not catalogue.get(m))
    assert not missing, f"run scripts/messages.py and translate: {missing}"


def test_extractor_finds_template_and_python_strings():
    script = load_script()
    assert script.template_messages('{% translate "監査ログ" %}') == {"監査ログ"}
    assert script.template_messages(
        "{% blocktranslate with n=x %}全{{ n }}件{% endblocktranslate %}") == {"全%(n)s件"}
    assert script.python_messages('_("一" "二")') == {"一二"}
