"""The model picker's rules: zoo options, shared links, hostile query values."""

import pytest

from core.cards import Card, Metrics
from core.picker import options_from_cards, parse_query, snap, to_query
from core.reference import ModelRef


def card(kind: str, latent: int | None, beta: float | None) -> Card:
    return Card(name=f"{kind}-{latent}-{beta}", kind=kind, test=Metrics(), latent_dim=latent,
                beta=beta)


CARDS = ([card("vae", d, 1.0) for d in (2, 10, 20)]
         + [card("vae", d, b) for d in (2, 10) for b in (0.0, 4.0)]
         + [card("ae", d, None) for d in (2, 10, 20)] + [card("classifier", None, None)])
OPTIONS = options_from_cards(CARDS)


def test_options_list_the_zoo_without_the_classifier():
    assert list(OPTIONS) == ["vae", "ae"]
    assert OPTIONS["vae"] == {2: [0.0, 1.0, 4.0], 10: [0.0, 1.0, 4.0], 20: [1.0]}
    assert OPTIONS["ae"] == {2: [0.0], 10: [0.0], 20: [0.0]}


def test_a_shared_link_opens_its_model_locked():
    link = parse_query({"family": "vae", "latent": "2", "beta": "4", "cmap": "grey",
                        "lock": "1"}, OPTIONS)
    assert (link.ref, link.cmap, link.locked, link.notices) == (ModelRef("vae", 2, 4.0), "grey",
                                                                True, [])


def test_the_link_round_trips():
    for ref, cmap in ((ModelRef("ae", 20, 0.0), "viridis"), (ModelRef("vae", 10, 0.0), "grey")):
        for locked in (False, True):
            link = parse_query(to_query(ref, cmap, locked), OPTIONS)
            assert (link.ref, link.cmap, link.locked) == (ref, cmap, locked)


@pytest.mark.parametrize("query, want", [
    ({"family": " VAE ", "latent": "2 ", "beta": "-0", "lock": "1"}, ModelRef("vae", 2, 0.0)),
    ({"family": "Ae", "latent": "10"}, ModelRef("ae", 10, 0.0)),
    ({"family": "vae", "latent": "10", "beta": "4.000"}, ModelRef("vae", 10, 4.0)),
])
def test_query_values_are_normalised_before_use(query, want):
    link = parse_query(query, OPTIONS)
    assert link.ref == want and link.notices == []
    assert to_query(link.ref, link.cmap).get("beta", "0") != "-0"  # the model's name stays clean
    assert "b-0" not in link.ref.name


def test_a_locked_link_to_a_model_the_zoo_lacks_opens_unlocked_with_a_notice():
    link = parse_query({"family": "vae", "latent": "2", "beta": "3", "lock": "1"}, OPTIONS)
    assert not link.locked and link.ref == ModelRef("vae", 2, 1.0)
    assert any("not locked" in notice for notice in link.notices)


@pytest.mark.parametrize("query, word", [
    ({"family": "gan"}, "family"), ({"latent": "7"}, "latent"), ({"latent": "-2"}, "latent"),
    ({"beta": "4", "latent": "20"}, "beta"), ({"beta": "nan"}, "beta"), ({"beta": "1e999"}, "beta"),
    ({"beta": "1e309"}, "beta"), ({"cmap": "jet"}, "cmap"), ({"lock": "yes"}, "lock"),
    ({"evil": "1"}, "unknown"),
])
def test_invalid_values_are_ignored_with_a_notice_that_lists_the_choices(query, word):
    link = parse_query(query, OPTIONS)
    assert len(link.notices) == 1 and word in link.notices[0]
    assert link.ref == snap(link.ref, OPTIONS) and not link.locked
    if word == "latent":
        assert "2, 10, 20" in link.notices[0] and link.ref.latent == 10


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "../../etc/passwd", "x" * 10_000,
                                   "**bold** [link](http://evil)", "10<img src=x>"])
def test_hostile_values_are_never_echoed(value):
    query = {key: value for key in ("family", "latent", "beta", "cmap", "lock")} | {value: value}
    link = parse_query(query, OPTIONS)
    assert link.ref == ModelRef() and not link.locked and len(link.notices) == 6
    assert not any(value.lower() in notice or "<" in notice for notice in link.notices)


def test_snap_keeps_what_exists_and_falls_back_to_beta_one():
    assert snap(ModelRef("vae", 20, 4.0), OPTIONS) == ModelRef("vae", 20, 1.0)
    assert snap(ModelRef("ae", 3, 2.0), OPTIONS) == ModelRef("ae", 2, 0.0)
    assert snap(ModelRef("vae", 32, 1.0), OPTIONS) == ModelRef("vae", 20, 1.0)


def test_a_model_reference_names_its_zoo_file_and_never_minus_zero():
    assert ModelRef("vae", 2, -0.0).name == "vae-z2-b0"
    assert ModelRef("ae", 10, 4.0) == ModelRef("ae", 10, 0.0)
    assert ModelRef("vae", 10, 1.0, own=3).key == "own-3" and ModelRef().key == "vae-z10-b1"
    with pytest.raises(ValueError):
        ModelRef("gan", 2)
