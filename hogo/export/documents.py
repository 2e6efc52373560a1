"""The texts inside an export package: obligations, chain of custody, manifests.

Text files a person reads (`遵守事項.txt`, `chain_of_custody.txt`) are UTF-8 with a byte-order
mark and CRLF line ends, so that older Windows editors, which in Japan otherwise guess
Shift_JIS, show the Japanese correctly. Files a program reads (`manifest.json`,
`manifest.sha256`) are plain UTF-8 with LF, as `json` and `sha256sum -c` expect.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from hogo.clock import JST
from hogo.rules.wareki import format_wareki


def obligations_text(citation: str = "") -> str:
    """The recipient's undertaking (遵守事項), citing the provider's own rule when given.

    `citation` is where the providing organisation's own rules set these duties (e.g.
    「デモ市公用車ドライブレコーダーの設置及び管理運用に関する規則第10条」), passed in by the
    caller from its policy profile; "" when its rules say nothing, and then nothing is cited.
    The three duties are those the R-502 requirement has the system track; the report on
    erasure is what lets the provider close the loop.
    """
    cited = [f"（{citation.strip()}）"] if citation.strip() else []
    return "\n".join([
        "遵守事項",
        "",
        "本パッケージに含まれるデータ又は複製データの提供を受けた方は、次の事項を遵守してください。",
        *cited,
        "",
        "(1) データ又は複製データを適正に管理すること。",
        "(2) 目的以外の利用及び第三者への無断提供を行わないこと。",
        "(3) 目的を達成したとき、又は当該目的が達成されないことが判明したときは、"
        "速やかに複製データの消去、記録媒体の返却又は破砕等の必要な処理を行うこと。",
        "",
        "(3)の処理を行ったときは、その内容（消去・返却・破砕等の別及び日付）を"
        "提供元に報告してください。",
        "",
        "パスワードは本パッケージとは別の経路でお伝えしています。"
        "パスワードを本パッケージと同じ記録媒体やメールに記載しないでください。",
        "",
    ])


# Without a citation: for callers that have no organisation's rule to cite.
DEFAULT_OBLIGATIONS_JA = obligations_text()

OBLIGATIONS_NAME = "遵守事項.txt"
CUSTODY_NAME = "chain_of_custody.txt"
MANIFEST_NAME = "manifest.json"
CHECKSUMS_NAME = "manifest.sha256"
DOCUMENT_NAMES = (OBLIGATIONS_NAME, CUSTODY_NAME, MANIFEST_NAME, CHECKSUMS_NAME)


class CustodyEvent(NamedTuple):
    """One step in the life of the exported data: when (aware), who, what was done."""

    time: dt.datetime
    actor: str
    action: str


def for_people(text: str) -> bytes:
    """UTF-8 with BOM and CRLF line ends, ending in a line break."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    return "\ufeff".encode() + "\r\n".join(lines).encode("utf-8") + b"\r\n"


def jst_text(instant: dt.datetime) -> str:
    """`2025-06-03 14:15:00 JST（令和7年6月3日）`; naive datetimes are refused."""
    if not isinstance(instant, dt.datetime) or instant.tzinfo is None:
        raise ValueError(f"need an aware datetime, got {instant!r}")
    local = instant.astimezone(JST)
    return f"{local:%Y-%m-%d %H:%M:%S} JST（{format_wareki(local.date())}）"


def custody_text(events: Sequence[CustodyEvent | tuple[Any, ...]], created: dt.datetime) -> str:
    """The chain-of-custody summary, in Japanese, events in the order given."""
    if not events:
        raise ValueError("custody: at least one event is needed (e.g. the copy's creation)")
    lines = [
        "取扱経過記録（チェーン・オブ・カストディ）",
        "",
        f"パッケージ作成日時: {jst_text(created)}",
        "日時はすべて日本時間（JST）です。",
        "",
    ]
    for number, raw in enumerate(events, start=1):
        event = CustodyEvent(*raw)
        for field in ("actor", "action"):
            value = getattr(event, field)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"custody event {number}: {field} must be non-empty text")
        lines += [
            f"{number}. {jst_text(event.time)}",
            f"   担当者: {event.actor.strip()}",
            f"   内容: {event.action.strip()}",
            "",
        ]
    lines += [
        "各ファイルの SHA-256 ハッシュ値は manifest.sha256 及び manifest.json に記載しています。",
        "受領後、ハッシュ値が一致することを確認してください",
        "（例: sha256sum -c manifest.sha256、"
        "Windows では certutil -hashfile <ファイル名> SHA256）。",
    ]
    return "\n".join(lines)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"manifest: {type(value).__name__} values cannot be written to JSON")


def manifest_json(manifest: Mapping[str, Any], files: Iterable[Mapping[str, Any]]) -> bytes:
    """The caller's manifest with the computed `files` entries, UTF-8, Japanese kept as is."""
    if not isinstance(manifest, Mapping):
        raise TypeError(f"manifest must be a mapping, got {type(manifest).__name__}")
    if "files" in manifest:
        raise ValueError("manifest: 'files' is computed by the package; do not pass it")
    document = {**manifest, "files": list(files)}
    text = json.dumps(document, ensure_ascii=False, indent=2, default=_json_value)
    return (text + "\n").encode("utf-8")


def checksum_lines(entries: Iterable[tuple[str, str]]) -> bytes:
    """`<sha256>  <name>` lines, as `sha256sum` writes and `sha256sum -c` reads them."""
    return "".join(f"{digest}  {name}\n" for name, digest in entries).encode("utf-8")
