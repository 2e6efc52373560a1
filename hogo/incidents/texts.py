"""System-written incident text kept as a message id and parameters, rendered per reader.

The timeline (経過) and the assessment lines are written by hogo, not by a person, so an
English page must show them in English. A `Text` is a Japanese msgid (the catalogue's source
language, marked with `gettext_noop` where it is written) and parameters; it is stored as
JSON beside the Japanese it rendered to at the time (`Event.text`, kept for old readers and
for rows written before message ids), and rendered again at display time in the reader's
language. Parameters may be plain values, dates (the Japanese era in Japanese, ISO in
English), translatable labels (`label(...)`, a choice label or a lazy gettext) and nested
texts or lists of them (`Join`), so a line made of translatable parts translates whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from hogo.alerts.text import encode_value, shown_value


class Label:
    """A translatable word among the parameters (a choice label, はい/いいえ)."""

    def __init__(self, msgid: Any) -> None:
        self.msgid = _msgid(msgid)


def label(value: Any) -> Label:
    return Label(value)


class Join:
    """Parts (texts, labels or values) joined by `sep` when rendered."""

    def __init__(self, sep: str, parts: Iterable[Any]) -> None:
        self.sep = sep
        self.parts = list(parts)


class Text:
    """A msgid with parameters; `render()` gives it in the active (or given) language."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = str(msgid)
        self.params = {name: _encode(value) for name, value in params.items()}

    def __add__(self, other: Text) -> Text:
        """Two texts one after the other (a sentence and its addendum)."""
        return Text("%(a)s%(b)s", a=self, b=other)

    def to_json(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": self.params}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        text = cls(data["msgid"])
        text.params = dict(data.get("params") or {})
        return text

    def render(self, language: str | None = None) -> str:
        """The text in `language` (default: the active one). A translation whose
        placeholders do not fit falls back to the Japanese msgid rather than failing."""
        if language is not None:
            with translation.override(language):
                return self.render()
        language = translation.get_language() or "ja"
        values = {name: _shown(value, language) for name, value in self.params.items()}
        try:
            return gettext(self.msgid) % values
        except (KeyError, ValueError, TypeError):
            return self.msgid % values

    def __str__(self) -> str:
        return self.render()


def _msgid(value: Any) -> str:
    """The Japanese source text of a lazy label (Japanese is the catalogue's source)."""
    if isinstance(value, Promise):
        with translation.override("ja"):
            return str(value)
    return str(value)


def _encode(value: Any) -> Any:
    if isinstance(value, Text):
        return {"text": value.to_json()}
    if isinstance(value, Label):
        return {"t": value.msgid}
    if isinstance(value, Promise):
        return {"t": _msgid(value)}
    if isinstance(value, Join):
        return {"join": [_encode(part) for part in value.parts], "sep": value.sep}
    if value is None:
        return ""
    return encode_value(value)


def _shown(value: Any, language: str) -> Any:
    if isinstance(value, dict):
        if "text" in value:
            return Text.from_json(value["text"]).render()
        if "t" in value:
            return gettext(value["t"]) if value["t"] else ""
        if "join" in value:
            return value.get("sep", "").join(str(_shown(part, language))
                                             for part in value["join"])
    return shown_value(value, language)
