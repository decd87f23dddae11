"""The class store (SQLite and Redis, the same tests), join codes, rate limits, the questions'
measurements, tallies and verdicts, and the class summary."""

from __future__ import annotations

import math
import os
import shutil
import threading
from dataclasses import replace

import numpy as np
import pytest

from bench.common import RedisServer
from core import zoo
from core.classroom import limits, questions, summary
from core.classroom import store as stores
from core.classroom.questions import BY_ID, Measured
from core.classroom.redis_store import RedisStore
from core.classroom.sqlite_store import SqliteStore
from core.reference import ModelRef


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """The Redis .ci/run started ($LATENT_LAB_TEST_REDIS_URL), else one of our own."""
    if os.environ.get("LATENT_LAB_TEST_REDIS_URL"):
        yield os.environ["LATENT_LAB_TEST_REDIS_URL"]
        return
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    redis.start()
    yield redis.url
    redis.stop()


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "classes.sqlite3")
    return RedisStore(request.getfixturevalue("redis_url"))


def test_a_class_is_followed_and_only_its_secret_steers_it(store):
    code, secret = store.create()
    assert stores.looks_like_code(code) and len(secret) >= 22
    assert store.get(code).version == 0
    state = store.steer(code, secret, lambda s: replace(s, page="pages/4_Latent_sliders.py",
                                                        model={"kind": "ae", "latent": 2,
                                                               "beta": 0.0}))
    assert state.version == 1 and store.get(code).page == "pages/4_Latent_sliders.py"
    assert store.steer(code, secret, lambda s: s).version == 1  # no change, no new version
    with pytest.raises(stores.NotAllowed):
        store.steer(code, code, lambda s: replace(s, page="Home.py"))  # the join code
    with pytest.raises(stores.NotAllowed):
        store.steer(code, secret[:-1] + ("A" if secret[-1] != "A" else "B"), lambda s: s)
    assert store.get(code).page == "pages/4_Latent_sliders.py"


def test_one_answer_per_student_changeable_until_the_reveal(store):
    code, secret = store.create()
    store.join(code, "seat0001", "Ada")
    store.join(code, "seat0002", "")
    store.answer(code, "seat0001", "active_dims", 3.0)
    store.answer(code, "seat0001", "active_dims", 6.0)  # changed her mind
    store.answer(code, "seat0002", "active_dims", 10.0)
    assert store.answers(code, "active_dims") == {"seat0001": 6.0, "seat0002": 10.0}
    with pytest.raises(stores.UnknownClass):
        store.answer(code, "notamember", "active_dims", 1.0)  # answers need a joined seat
    stores.reveal(store, code, secret, "active_dims", {"answer": 6.0, "figures": "…"})
    with pytest.raises(stores.Closed):
        store.answer(code, "seat0002", "active_dims", 6.0)
    assert store.answers(code, "active_dims")["seat0002"] == 10.0
    store.answer(code, "seat0002", "ae_samples", 40.0)  # other questions stay open


def test_unknown_expired_and_ended_classes_are_refused(store):
    with pytest.raises(stores.UnknownClass):
        store.get("ZZZZZZ")
    with pytest.raises(stores.UnknownClass):
        store.join("ZZZZZZ", "seat0001", "")
    code, _ = store.create(ttl=-1)  # already past its expiry
    with pytest.raises(stores.UnknownClass):
        store.get(code)
    code, secret = store.create()
    store.join(code, "seat0001", "Ada")
    store.answer(code, "seat0001", "proto_pair", "4 and 9")
    stores.end(store, code, secret)
    for call in (lambda: store.get(code), lambda: store.join(code, "seat0002", ""),
                 lambda: store.answer(code, "seat0001", "proto_pair", "3 and 5")):
        with pytest.raises(stores.UnknownClass):
            call()
    assert store.members(code) == {} and store.answers(code, "proto_pair") == {}


def test_concurrent_answers_from_many_threads_all_land(store):
    code, _ = store.create()
    seats = [f"seat{i:04d}" for i in range(40)]
    for seat in seats:
        store.join(code, seat, "")
    errors = []

    def answer(seat: str) -> None:
        try:
            store.answer(code, seat, "recon_gain", "The VAE's")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(s,)) for s in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(store.answers(code, "recon_gain")) == len(seats)


def test_nicknames_are_kept_as_plain_short_text(store):
    code, _ = store.create()
    store.join(code, "seat0001", "<b>Ada</b>\x00\n" + "x" * 40)
    nickname = store.members(code)["seat0001"]
    assert nickname.startswith("<b>Ada</b>") and "\x00" not in nickname and len(nickname) == 24


def test_a_stopped_redis_pauses_the_class_and_a_restarted_one_resumes_it(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed")
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    store = RedisStore(redis.url)
    code, secret = store.create()
    store.join(code, "seat0001", "")
    store.answer(code, "seat0001", "active_dims", 4.0)
    redis.stop()
    for call in (lambda: store.get(code), lambda: store.answer(code, "seat0001", "active_dims", 5),
                 lambda: store.steer(code, secret, lambda s: s), store.ping):
        with pytest.raises(stores.Unavailable):
            call()
    redis.start()
    try:
        assert store.get(code).code == code
        assert store.answers(code, "active_dims") == {"seat0001": 4.0}
    finally:
        redis.stop()


def test_an_unwritable_database_is_unavailable_not_a_crash(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(stores.Unavailable):
        SqliteStore(blocked / "classes.sqlite3")  # its folder is a file


def test_codes_are_short_unambiguous_and_not_guessable():
    codes = {stores.new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(stores.looks_like_code(c) for c in codes)
    assert not set("01OIL") & set("".join(codes))
    assert len(stores.ALPHABET) ** stores.CODE_LENGTH > 8e8
    assert stores.normalise_code(" k7q-3px ") == "K7Q3PX"


def test_the_rate_limit_allows_a_burst_then_waits():
    limit = limits.RateLimit(3, 60.0)
    assert [limit.allow(now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limit.wait(now=3) == pytest.approx(57)
    assert limit.allow(now=60.5)


class CardsLab:
    """The zoo's real cards; codes from a fixed toy set where a question needs them."""

    def card(self, ref: ModelRef):
        return zoo.card_for(ref.kind, ref.latent, ref.beta)

    def codes(self, ref: ModelRef) -> np.ndarray:
        centres = np.eye(10) * 5
        centres[9] = centres[4] + 0.1  # 4 and 9 nearly coincide
        return np.repeat(centres, 3, axis=0)

    def labels(self) -> np.ndarray:
        return np.repeat(np.arange(10), 3)


def test_each_question_measures_what_its_cards_say():
    lab = CardsLab()
    card = lab.card
    recon = {k: card(ModelRef(k, 2)).test.recon_at_mean - card(ModelRef(k, 32)).test.recon_at_mean
             for k in ("ae", "vae")}
    want = "The autoencoder's" if recon["ae"] > recon["vae"] + 2 else (
        "The VAE's" if recon["vae"] > recon["ae"] + 2 else "About the same (within 2 nats)")
    assert BY_ID["recon_gain"].measure(lab, ModelRef()).answer == want
    share = 100 * card(ModelRef("ae", 32)).sample_quality["prior"]["confident_fraction"]
    assert math.isclose(BY_ID["ae_samples"].measure(lab, ModelRef()).answer, share, abs_tol=0.05)
    assert BY_ID["active_dims"].measure(lab, ModelRef()).answer == \
        card(ModelRef("vae", 10, 8.0)).test.active_dims
    assert BY_ID["proto_pair"].measure(lab, ModelRef()).answer == "4 and 9"
    for q in questions.QUESTIONS:  # every question names a real lesson page and measures
        assert (zoo.WEIGHTS_DIR.parent / q.page).exists()
        assert q.measure(lab, ModelRef()).figures


def test_answers_are_validated_tallied_and_judged():
    q = BY_ID["active_dims"]
    assert q.valid("4") == 4.0
    for bad in ("four", 11, -1, float("nan")):
        with pytest.raises(ValueError):
            q.valid(bad)
    with pytest.raises(ValueError):
        BY_ID["recon_gain"].valid("the decoder's")
    assert dict(questions.tally(q, [6.0, 6.0, 3.0]))["6"] == 2
    assert len(questions.tally(q, [])) == 11
    pct = BY_ID["ae_samples"]
    bins = dict(questions.tally(pct, [5.0, 9.9, 10.0, 100.0]))
    assert bins["0–10"] == 2 and bins["10–20"] == 1 and bins["90–100"] == 1
    measured = Measured(6.0, "6 of 10")
    assert questions.verdict(q, [6.0, 6.0, 3.0], measured).startswith("2 of 3 predicted 6")
    assert "median, 6, is at" in questions.verdict(q, [6.0, 6.0, 3.0], measured)
    choice = BY_ID["random_draws"]
    said = questions.verdict(choice, ["The autoencoder", "The autoencoder", "The VAE"],
                             Measured("The VAE", ""))
    assert said.startswith("1 of 3 predicted the measured answer")
    assert "“The autoencoder” (2 of 3)" in said


def test_the_summary_has_a_row_per_answer_and_the_measurement_once_revealed():
    q = BY_ID["random_draws"]
    before = summary.rows(q, "Latent sliders", ["The VAE"], None)
    assert [r["answer"] for r in before] == list(q.choices)
    assert all(r["measured"] == "" and r["verdict"] == "not revealed" for r in before)
    after = summary.rows(q, "Latent sliders", ["The VAE", "The VAE", "The autoencoder"],
                         Measured("The VAE", "71 % against 21 %"))
    assert [r["students"] for r in after] == [2, 1, 0] and after[0]["share"] == pytest.approx(0.667)
    assert {r["measured"] for r in after} == {"The VAE"}


def test_a_tie_is_called_a_split_not_a_majority():
    q = BY_ID["random_draws"]
    said = questions.verdict(q, ["The VAE", "The autoencoder"], Measured("The VAE", ""))
    assert "split" in said and "most common" not in said
