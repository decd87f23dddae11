"""The digits' colours stay apart for colour-deficient readers and stand out in both themes."""

import pytest

from bench.palette import TABLEAU10, closest
from core import palette

# CAM02-UCS distance below which two of the ten colours start to be confused in a scatter of
# small points (a "just noticeable" difference is ~1-2; the search in bench/palette.py reaches
# about 11 under every simulated deficiency).
APART = 10.0


@pytest.mark.parametrize("vision", ["normal", "deuteranomaly", "protanomaly", "tritanomaly"])
def test_no_two_digit_colours_look_alike(vision):
    assert closest(palette.DIGITS)[vision] >= APART


def test_the_check_catches_a_palette_that_red_green_readers_confuse():
    # Tableau 10, the previous palette: its orange and green meet under deuteranomaly.
    assert closest(TABLEAU10)["deuteranomaly"] < APART


@pytest.mark.parametrize("background", palette.BACKGROUNDS)
def test_every_digit_colour_reaches_3_to_1_against_the_background(background):
    assert min(palette.contrast(c, background) for c in palette.DIGITS) >= 3.0


def test_contrast_matches_wcag_for_black_on_white():
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
