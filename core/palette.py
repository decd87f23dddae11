"""The digits' colours, shared by the Altair charts and the browser's maps.

Ten colours that stay apart for readers with the common colour deficiencies and that reach 3:1
against both the light and the dark theme's background (WCAG's contrast for graphical objects).
`python bench/palette.py` searched for them and prints how far apart they are (CAM02-UCS, with
deuteranomaly, protanomaly and tritanomaly simulated at full severity);
tests/unit/test_palette.py checks both properties. Colour is never the only cue: maps and
scatters also write each digit at the centre of its points.
"""

from __future__ import annotations

# Digit 0 to 9, in order.
DIGITS: tuple[str, ...] = ("#4646ff", "#a28b5d", "#8b5d46", "#b900a2", "#a274e8",
                           "#d17400", "#d10017", "#2ea2b9", "#007474", "#748b8b")
# The backgrounds the colours are drawn on: Streamlit 1.67's light and dark themes, as Chromium
# renders them.
BACKGROUNDS: tuple[str, ...] = ("#ffffff", "#171614")


def rgb(colour: str) -> tuple[float, float, float]:
    """"#rrggbb" -> (r, g, b) in [0, 1]."""
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """WCAG's relative luminance of an sRGB colour."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
