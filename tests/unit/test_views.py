"""What a lesson's browser view sends back is read field by field (`core.lessons.views`)."""

import numpy as np
import pytest

from core.lessons import views

MAP = views.MapView(1, 2, base=np.zeros(4, np.float32))
SWEEP = views.SweepView((0, 1, 2, 3), base=np.ones(4, np.float32), base_choice="p3")


def test_the_browsers_map_settings_are_taken_as_sent():
    view = views.map_view({"dx": 3, "dy": 0, "low": -2, "high": 6, "steps": 5, "standard": True,
                           "base": [0.5, 0, 0, 1], "base_choice": "p7", "picked": [4, 9]},
                          4, MAP, 10)
    assert (view.dx, view.dy, view.low, view.high, view.steps) == (3, 0, -2.0, 6.0, 5)
    assert view.standard and view.base_kind == "the prototype of 7" and view.picked == (4, 9)
    np.testing.assert_array_equal(view.base, [0.5, 0, 0, 1])


@pytest.mark.parametrize("raw", [
    None, "garbage", {"dx": 1, "dy": 1}, {"dx": 9, "dy": 0}, {"dx": True, "dy": 0},
    {"low": 3, "high": 1}, {"low": float("nan")}, {"base": [1, 2], "base_choice": "zeros"},
    {"base": [1, 2, 3, "x"], "base_choice": "zeros"}, {"base": [0] * 4, "base_choice": "evil"},
])
def test_a_stale_or_tampered_map_state_falls_back_to_the_default(raw):
    view = views.map_view(raw, 4, MAP, 10)
    assert view.dx != view.dy and 0 <= view.dx < 4 and 0 <= view.dy < 4
    assert view.low < view.high and len(view.base) == 4 and view.base_choice in views.BASES


def test_steps_ranges_and_picks_are_clipped_to_what_the_lesson_offers():
    view = views.map_view({"steps": 500, "low": -100, "high": 100, "picked": [3, 99, -1, "x"]},
                          4, MAP, 10)
    assert view.steps == 20 and (view.low, view.high) == (-8.0, 8.0) and view.picked == (3,)
    sweep = views.sweep_view({"dims": [0, 7, 2], "steps": 1, "high": 9}, 4, SWEEP)
    assert sweep.dims == (0, 2) and sweep.steps == 2 and sweep.high == 6.0
    assert views.sweep_view({"dims": [9]}, 4, SWEEP).dims == SWEEP.dims
    assert views.sweep_view(None, 4, SWEEP).base_kind == "the prototype of 3"
