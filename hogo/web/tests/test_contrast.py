"""The 「事故を報告」 button passes WCAG AA (4.5:1 for normal text), computed from app.css."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[1] / "static" / "hogo" / "app.css"


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rule(selector: str) -> dict[str, str]:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.DOTALL)
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            return dict((k.strip(), v.strip()) for k, v in (
                d.split(":", 1) for d in body.split(";") if ":" in d))
    raise AssertionError(f"{selector} not in app.css")


def test_the_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the classic just-failing grey


def test_the_report_button_passes_aa_in_every_state():
    # The nav's own link rule (nav.side a: dark ink) must not be what the button shows:
    # the button's rule is at least as specific, and white on red.
    for selector in ("nav.side a.report-button", "nav.side a.report-button:hover"):
        rule = _rule(selector)
        assert contrast(rule["color"], rule["background"]) >= 4.5, selector
