"""Text alternatives say what a picture shows: the labels it holds, or what the classifier reads."""

import numpy as np

from core import describe


def one_hot(digits, p=0.9):
    proba = np.full((len(digits), 10), (1 - p) / 9)
    proba[np.arange(len(digits)), digits] = p
    return proba


def test_a_few_digits_are_listed_in_order():
    assert describe.digits(8, "test digits", [1, 7, 7, 5, 9, 1, 8, 6]) == \
        "8 test digits: 1, 7, 7, 5, 9, 1, 8 and 6"
    assert describe.digits(1, "test digit", [3]) == "1 test digit: 3"
    assert describe.digits(4, "decoded codes") == "4 decoded codes"


def test_many_digits_are_counted_by_kind_most_frequent_first():
    labels = [1] * 7 + [7] * 4 + [0] * 4 + [3]
    assert describe.digits(16, "test digits", labels) == \
        "16 test digits: 7 × 1, 4 × 0, 4 × 7 and 1 × 3"


def test_readings_mark_the_unsure_ones():
    proba = np.vstack([one_hot([3, 8]), one_hot([5], p=0.3)])
    assert describe.readings(proba) == \
        "the digit classifier reads them as 3, 8 and 5? (? = under 50% sure)"
    assert describe.readings(one_hot([8], p=0.94)) == \
        "the digit classifier reads it as an 8, 94% sure"


def test_many_readings_are_counted_with_the_unsure_share():
    proba = np.vstack([one_hot([2] * 10 + [4] * 5), one_hot([4], p=0.2)])
    assert describe.readings(proba) == \
        "the digit classifier reads them as 10 × 2 and 6 × 4 (1 of them under 50% sure)"
