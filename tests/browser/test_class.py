"""Class mode end to end in Chromium: an instructor and three students, on one server with the
SQLite default, and on two replicas behind nginx (deploy/nginx.conf) sharing Redis, where the
instructor is on one replica, the students on the other, and Redis stops mid-class."""

from __future__ import annotations

import re
import shutil
import urllib.request
from contextlib import ExitStack

import pytest

from bench.common import RedisServer, nginx, server, wait_idle

SIDEBAR = "[data-testid=stSidebar]"
BAR = ".st-key-class_bar"
SLIDER = ".ll-slider input[type=range]"
QUESTION = ".st-key-question_random_draws"
# ms: a follower hears of a change through its long poll, then redraws its page; four browsers
# and the server share two cores here, so the tests allow far more than bench/class_follow.py
# measures.
WAIT = 30_000


def start_class(page, base: str) -> str:
    page.goto(f"{base}/Class")
    wait_idle(page)
    page.get_by_role("button", name="Start a class").last.click()
    page.locator(".ll-code").wait_for(timeout=60_000)
    return page.locator(".ll-code").inner_text()


def students_join(students, base: str, code: str) -> None:
    for student in students:
        student.goto(f"{base}/?class={code}")
    for student in students:  # the instructor is on the Class page: the students land there
        student.wait_for_url(re.compile(r"/Class\?"), timeout=60_000)
        student.get_by_text(f"You are in class {code}").first.wait_for(timeout=60_000)


def lead_a_class(teacher, students, base: str, sliders: bool = True) -> str:
    """The class's path through model and page changes, (the sliders' code,) answers and a
    reveal; returns the code."""
    code = start_class(teacher, base)
    students_join(students, base, code)
    # The instructor changes the model: each student's sidebar shows the class's model.
    teacher.locator(SIDEBAR).get_by_text("Autoencoder", exact=True).click()
    for student in students:
        student.locator(SIDEBAR).get_by_text("Autoencoder, latent size 10").wait_for(timeout=WAIT)
    # ... and the lesson: every student follows to Latent sliders, with the class's model.
    teacher.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Latent sliders").click()
    for student in students:
        student.wait_for_url(re.compile("/Latent_sliders"), timeout=WAIT)
        student.locator(SIDEBAR).get_by_text("Autoencoder, latent size 10").wait_for(timeout=WAIT)
    if sliders:
        follow_the_sliders(teacher, students)
    answer_and_reveal(teacher, students)
    return code


def follow_the_sliders(teacher, students) -> None:
    """The sliders' code follows the instructor's."""
    teacher.locator(SLIDER).first.wait_for(timeout=60_000)
    teacher.get_by_role("button", name="🎲 Random draw").click()
    teacher.wait_for_function(f"document.querySelector('{SLIDER}').value !== '0'", timeout=WAIT)
    want = teacher.locator(SLIDER).first.input_value()
    for student in students:
        student.wait_for_function(
            f"document.querySelector('{SLIDER}')?.value === '{want}'", timeout=WAIT)


def answer_and_reveal(teacher, students) -> None:
    # Predict first: two students say the VAE, one the autoencoder; one changes her mind.
    for student, answer in zip(students, ["The autoencoder", "The VAE", "The autoencoder"]):
        send(student, answer)
    send(students[0], "The VAE")
    box = teacher.locator(QUESTION)
    box.get_by_text("3 of 3 students answered.").wait_for(timeout=WAIT)
    box.get_by_role("button", name="Reveal the answers").click()
    # The cards: VAE 71 %, autoencoder 21 %. The changed answer counts, not the first one.
    said = "1 of 3 predicted the measured answer, “The VAE”"
    for page in [teacher, *students]:
        page.locator(QUESTION).get_by_text("2 of 3 predicted the measured answer, “The VAE”")\
            .wait_for(timeout=WAIT)
    assert said not in teacher.content()
    # After the reveal the question takes no more answers: the form is gone.
    assert students[1].locator(QUESTION).get_by_role("button", name="Send my answer").count() == 0


def send(student, answer: str) -> None:
    box = student.locator(QUESTION)
    box.get_by_text(answer, exact=True).click()
    box.get_by_role("button", name="Send my answer").click()
    box.get_by_text(f"Your answer, {answer}, is in.").wait_for(timeout=WAIT)


def no_exceptions(*pages) -> None:
    for page in pages:
        assert page.locator("[data-testid=stException]").count() == 0


FAST = {"LATENT_LAB_WARM_UP": "0"}  # serve.py (the class route) without its warm-up


def test_a_class_on_one_server_with_the_sqlite_store(site, tmp_path):
    _, browser = site
    with ExitStack() as stack:
        base, _ = stack.enter_context(server("serve.py", env={
            **FAST, "LATENT_LAB_CLASS_DB": str(tmp_path / "classes.sqlite3")}))
        pages = [stack.enter_context(browser.new_context(viewport={"width": 1100, "height": 900}))
                 .new_page() for _ in range(4)]
        teacher, students = pages[0], pages[1:]
        code = lead_a_class(teacher, students, base)
        # The join code does not drive the class: as a "secret" it opens a student's page.
        stranger = pages[1].context.browser.new_context().new_page()
        stranger.goto(f"{base}/?class={code}&teach={code}")
        stranger.get_by_text("This instructor link does not match its class")\
            .wait_for(timeout=60_000)
        stranger.locator(BAR).get_by_text("you follow your instructor").wait_for(timeout=WAIT)
        # A nickname is text, never markup.
        typed = stranger.context.browser.new_context().new_page()
        typed.goto(f"{base}/Class")
        wait_idle(typed)
        form = typed.locator("[data-testid=stForm]").last
        form.get_by_role("textbox", name="Join code").fill(code.lower())
        form.get_by_role("textbox", name="Nickname (optional)").fill("<b id=pwned>**Bo**</b>")
        form.get_by_role("button", name="Join the class").click()
        typed.locator(BAR).get_by_text("you follow your instructor").wait_for(timeout=60_000)
        typed.locator(SIDEBAR).get_by_text("as “<b id=pwned>**Bo**</b>”").wait_for()
        assert typed.locator("#pwned").count() == 0
        # An unknown code says what to do.
        lost = stranger.context.browser.new_context().new_page()
        lost.goto(f"{base}/?class=ZZZZZZ")
        lost.get_by_text("The class ZZZZZZ has ended or expired").wait_for(timeout=60_000)
        no_exceptions(*pages, stranger, typed, lost)


def replica_cookies(base: str, ports: list[int], tries: int = 64) -> dict[int, str]:
    """A sticky cookie value for each replica (nginx names the one it chose in a header)."""
    found: dict[int, str] = {}
    for i in range(tries):
        request = urllib.request.Request(f"{base}/_stcore/health",
                                         headers={"Cookie": f"latentlab_replica=s{i}"})
        with urllib.request.urlopen(request, timeout=5) as r:
            port = int(r.headers["X-Latent-Lab-Replica"].rsplit(":", 1)[1])
        found.setdefault(port, f"s{i}")
        if len(found) == len(ports):
            return found
    raise AssertionError(f"nginx sent {tries} cookies to {sorted(found)} only")


def test_a_class_across_two_replicas_behind_nginx_with_redis_that_stops(site, tmp_path):
    for tool in ("redis-server", "nginx"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (.ci/run installs it)")
    _, browser = site
    with ExitStack() as stack:
        redis = RedisServer(tmp_path / "redis")
        redis.start()
        stack.callback(redis.stop)
        env = {**FAST, "LATENT_LAB_REDIS_URL": redis.url}
        replicas = [stack.enter_context(server("serve.py", env=env)) for _ in range(2)]
        ports = [int(base.rsplit(":", 1)[1]) for base, _ in replicas]
        base = stack.enter_context(nginx(tmp_path / "nginx", ports))
        cookie = replica_cookies(base, ports)

        def on(port: int):
            context = stack.enter_context(browser.new_context(viewport={"width": 1100,
                                                                        "height": 900}))
            context.add_cookies([{"name": "latentlab_replica", "value": cookie[port],
                                  "url": base}])
            return context.new_page()

        teacher = on(ports[0])
        students = [on(ports[1]) for _ in range(3)]
        lead_a_class(teacher, students, base, sliders=False)  # the sliders: the SQLite test
        # Redis stops: the class pauses, the lessons go on, nothing crashes.
        redis.stop()
        for student in students:
            student.locator("[data-testid=stAlert]").get_by_text("The class is paused")\
                .wait_for(timeout=WAIT)
        students[0].locator("[data-testid=stSidebarNav]").get_by_role(
            "link", name="Reconstruction").click()
        students[0].get_by_role("heading", name="🔁 Reconstruction").wait_for(timeout=60_000)
        wait_idle(students[0])
        # Redis is back (its append-only file kept the class): the class resumes.
        redis.start()
        teacher.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Home").click()
        for student in students:
            student.wait_for_url(re.compile(r"/\?family="), timeout=WAIT * 2)
            student.locator(BAR).get_by_text("you follow your instructor").wait_for(timeout=WAIT)
        no_exceptions(teacher, *students)
