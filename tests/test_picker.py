"""The model picker's rules: zoo options, shared links, hostile query values."""

import pytest

from core.picker import Choice, options_from_cards, parse_query, snap, to_query

CARDS = ([{"kind": "vae", "latent_dim": d, "beta": 1.0} for d in (2, 10, 20)]
         + [{"kind": "vae", "latent_dim": d, "beta": b} for d in (2, 10) for b in (0.0, 4.0)]
         + [{"kind": "ae", "latent_dim": d, "beta": 0.0} for d in (2, 10, 20)]
         + [{"kind": "classifier", "latent_dim": None, "beta": None}])
OPTIONS = options_from_cards(CARDS)


def test_options_list_the_zoo_without_the_classifier():
    assert list(OPTIONS) == ["vae", "ae"]
    assert OPTIONS["vae"] == {2: [0.0, 1.0, 4.0], 10: [0.0, 1.0, 4.0], 20: [1.0]}
    assert OPTIONS["ae"] == {2: [0.0], 10: [0.0], 20: [0.0]}


def test_a_shared_link_opens_its_model_locked():
    choice, locked, notices = parse_query(
        {"family": "vae", "latent": "2", "beta": "4", "cmap": "grey", "lock": "1"}, OPTIONS)
    assert choice == Choice("vae", 2, 4.0, "grey") and locked and notices == []


def test_the_link_round_trips():
    for choice in (Choice("ae", 20, 0.0, "viridis"), Choice("vae", 10, 0.0, "grey")):
        for locked in (False, True):
            assert parse_query(to_query(choice, locked), OPTIONS)[:2] == (choice, locked)


@pytest.mark.parametrize("query, word", [
    ({"family": "gan"}, "family"), ({"latent": "7"}, "latent"), ({"latent": "-2"}, "latent"),
    ({"beta": "4", "latent": "20"}, "beta"), ({"beta": "nan"}, "beta"), ({"beta": "1e999"}, "beta"),
    ({"cmap": "jet"}, "cmap"), ({"lock": "yes"}, "lock"), ({"evil": "1"}, "unknown"),
])
def test_invalid_values_are_ignored_with_a_notice_that_lists_the_choices(query, word):
    choice, locked, notices = parse_query(query, OPTIONS)
    assert len(notices) == 1 and word in notices[0]
    assert choice == snap(choice, OPTIONS) and not locked
    if word == "latent":
        assert "2, 10, 20" in notices[0] and choice.latent == 10


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "../../etc/passwd", "x" * 10_000,
                                   "**bold** [link](http://evil)", "10<img src=x>"])
def test_hostile_values_are_never_echoed(value):
    query = {key: value for key in ("family", "latent", "beta", "cmap", "lock")} | {value: value}
    choice, locked, notices = parse_query(query, OPTIONS)
    assert choice == Choice() and not locked and len(notices) == 6
    assert not any(value in notice or "<" in notice for notice in notices)


def test_snap_keeps_what_exists_and_falls_back_to_beta_one():
    assert snap(Choice("vae", 20, 4.0), OPTIONS) == Choice("vae", 20, 1.0)
    assert snap(Choice("ae", 3, 2.0), OPTIONS) == Choice("ae", 2, 0.0)
    assert snap(Choice("vae", 32, 1.0, "jet"), OPTIONS) == Choice("vae", 20, 1.0, "viridis")
