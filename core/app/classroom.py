"""Class mode: an instructor steers, students follow and answer, the class sees its answers
beside what the experiment measured.

Roles, all kept in the browser session (`Member`) and in the page's link:
- the instructor (`?class=CODE&teach=SECRET`): every page and model they open is published to
  the class's store (`core.classroom.store`), and so is a lesson's experiment state (`share`);
- a student (`?class=CODE&seat=SEAT`, or the code typed in): follows the instructor's page,
  model and experiment state (`follow`) until they step out, and answers the questions;
- the projector (`?class=CODE&view=projector`): follows like a student, never answers, shows
  large type, no sidebar, and the join code in a corner.

A follower's browser asks the class's status route once a second (`_poll`, `serve.py` mounts the
route) and reruns the page when the class changed. If the store cannot be reached the class pauses and the lessons go on.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
import streamlit as st

from core.app import charts, course, selection, serving
from core.checkpoint import WeightsError
from core.classroom import limits, status, store as stores
from core.classroom.questions import BY_ID, Answer, Measured, Question, for_page, verdict
from core.classroom.summary import measured_from, rows
from core.classroom.store import (Closed, NotAllowed, Unavailable, UnknownClass, looks_like_code,
                                  normalise_code)
from core.data import MnistError
from core.reference import ModelRef

ROOT = Path(__file__).resolve().parents[2]
POLL_S = 1.0  # a follower's browser checks the class once a second
PAUSED = ("**The class is paused**: the class server cannot be reached. Every lesson still "
          "works; the class resumes by itself when the server is back.")


@dataclass(frozen=True)
class Member:
    code: str
    role: str               # "teach", "student" or "projector"
    secret: str = ""        # the instructor's only
    seat: str = ""          # a student's random id: their one answer per question
    nickname: str = ""

    @property
    def follows(self) -> bool:
        return self.role != "teach"


# The follower's timer, in the browser: once a second, while the page's script is idle, it asks
# the class's status route (`core.classroom.status`) for the class's key, and reruns the page
# only when the key differs from the one the page was drawn with. A poll costs the server one
# store read, not a script run. (Fragments rerun on a timer, Streamlit's `run_every` or a
# component's trigger, were tried first: a fragment run requested as the server switched a
# follower's page crashed that page, "Bad delta path index", in 4 of 10 tries of
# tests/browser/test_class.py.)
FOLLOW_JS = """
export default function ({ parentElement, data, setTriggerValue }) {
  clearInterval(parentElement.llTimer);
  let asking = false;
  const id = setInterval(async () => {
    const app = document.querySelector("[data-test-script-state]");
    if (asking || !app || app.getAttribute("data-test-script-state") !== "notRunning") return;
    asking = true;
    let key;
    try {
      const answer = await fetch(data.url, { cache: "no-store" });
      key = (await answer.json()).key;
    } catch (error) {
      key = "paused";  // the server itself cannot be reached
    } finally {
      asking = false;
    }
    if (key !== data.drawn && key !== "limited") setTriggerValue("changed", `${key} ${Date.now()}`);
  }, data.ms);
  parentElement.llTimer = id;
  // Only this render's timer: a render that replaced it may already run on the same element.
  return () => clearInterval(id);
}
"""


@functools.cache
def _timer() -> Any:
    return st.components.v2.component("latent_lab_class_timer", js=FOLLOW_JS)


def _base_path() -> str:
    """The app's URL path without its page ("" at the root, "/lab" behind a prefix)."""
    path = urlsplit(st.context.url or "").path.rstrip("/")
    for page in course.page_urls():
        if page and path.endswith("/" + page):
            return path.removesuffix("/" + page)
    return path


def _poll(code: str, drawn: str, counts: bool) -> None:
    """Rerun this page when the class's key (`status.key`) is no longer `drawn`."""
    url = f"{_base_path()}{status.PATH}/{code}" + ("?counts=1" if counts else "")
    _timer()(key="class_timer", data={"url": url, "drawn": drawn, "ms": int(POLL_S * 1000)},
             on_changed_change=lambda: None)


@st.cache_resource(show_spinner=False)
def _open_store() -> stores.Store:
    return stores.open_store()


def store() -> stores.Store:
    """The process's class store. Raises Unavailable if it cannot be opened."""
    try:
        return _open_store()
    except Unavailable:
        raise
    except Exception as error:  # noqa: BLE001 - e.g. a malformed LATENT_LAB_REDIS_URL
        raise Unavailable(f"the class store cannot be opened ({type(error).__name__}); the "
                          "host should check LATENT_LAB_REDIS_URL") from None


def plain(text: str) -> str:
    """`text` as Markdown that shows it as typed: no markup, link, formula or HTML in a nickname."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~$<>&])", r"\\\1", text)


def me() -> Member | None:
    return st.session_state.get("class_me")


def following() -> bool:
    """True while this session follows a class (and so its model picker is the class's)."""
    member = me()
    return member is not None and member.follows and st.session_state.get("class_following", True)


def teaching() -> bool:
    member = me()
    return member is not None and member.role == "teach"


def _limit(name: str) -> limits.RateLimit:
    events, seconds = {"join": limits.JOINS, "answer": limits.ANSWERS}[name]
    return st.session_state.setdefault(f"class_limit_{name}", limits.RateLimit(events, seconds))


def _say(text: str, kind: str = "warning") -> None:
    """A notice shown once, at the top of the next page drawn."""
    st.session_state.setdefault("class_notices", []).append((kind, text))


def _enter(member: Member) -> None:
    state = st.session_state
    state.class_me, state.class_following, state.class_seen = member, True, -1
    state.class_applied = {}


def leave(text: str | None = None) -> None:
    st.session_state.class_me = None
    st.session_state.pop("class_state", None)
    if text:
        _say(text)


NEEDS_SERVE = ("Class mode needs the app started with `streamlit run serve.py` (students' "
               "browsers follow the class through the route it adds); this server was started "
               "another way. Every lesson works without it.")
GONE = ("The class {code} has ended or expired (a class lasts {hours:g} hours), or the code is "
        "mistyped. Every lesson still works on your own; ask your instructor for the new code "
        "if the class goes on.")


def _gone(code: str) -> str:
    return GONE.format(code=code, hours=stores.ttl_seconds() / 3600)


def join(typed: str, nickname: str = "", seat: str = "") -> bool:
    """Join the class with the typed code as a student; False (with a notice) if it cannot."""
    code = normalise_code(typed)
    if not status.mounted():
        _say(NEEDS_SERVE, "info")
        return False
    if not _limit("join").allow():
        _say(f"Too many tries to join: wait {_limit('join').wait():.0f} s, then type the code "
             "again.")
        return False
    if not looks_like_code(code):
        _say(f"A join code has {stores.CODE_LENGTH} letters and digits, like K7Q3PX: check the "
             "code your instructor shows.")
        return False
    seat = seat if 8 <= len(seat) <= 32 and seat.isalnum() else secrets.token_hex(8)
    try:
        store().join(code, seat, nickname)
    except UnknownClass:
        _say(_gone(code))
        return False
    except Closed as closed:
        _say(str(closed))
        return False
    except Unavailable:
        _say(PAUSED.replace("The class is paused", "Joining has to wait"))
        return False
    _enter(Member(code, "student", seat=seat, nickname=stores.clean_nickname(nickname)))
    return True


def start() -> None:
    """Start a class with this session as its instructor."""
    if not status.mounted():
        _say(NEEDS_SERVE, "info")
        return
    try:
        code, secret = store().create(stores.ttl_seconds())
    except Unavailable as error:
        _say(f"A class cannot start now: {error}. The lessons still work; try again in a minute.")
        return
    _enter(Member(code, "teach", secret=secret))


def _from_link() -> None:
    """First run of a session: a class link (`class=`, with `teach=`, `seat=` or `view=`)."""
    query = st.query_params.to_dict()
    st.session_state.class_me = None
    if "class" not in query:
        return
    code = normalise_code(query["class"])
    if "teach" in query:
        try:
            store().steer(code, query["teach"], lambda state: state)  # checks the secret
            _enter(Member(code, "teach", secret=query["teach"]))
        except NotAllowed:
            _say("This instructor link does not match its class, so it opens as a student's: "
                 "copy the instructor link again from the page where you started the class.")
            join(code)
        except UnknownClass:
            _say(_gone(code))
        except Unavailable:
            _say(PAUSED)
    elif query.get("view") == "projector":
        _enter(Member(code, "projector"))
    else:
        join(code, seat=query.get("seat", ""))


def query() -> dict[str, str]:
    """The link parameters that reopen this session's place in its class."""
    member = me()
    if member is None:
        return {}
    extra = {"teach": {"teach": member.secret}, "student": {"seat": member.seat},
             "projector": {"view": "projector"}}[member.role]
    return {"class": member.code, **extra}


def _state() -> stores.ClassState | None:
    """The class's document, read once per run; None when there is no class or it is paused."""
    member = me()
    if member is None:
        return None
    try:
        state = store().get(member.code)
    except Unavailable:
        st.session_state.class_paused = True
        return None
    except UnknownClass:
        leave(_gone(member.code))
        return None
    st.session_state.class_paused = False
    st.session_state.class_state = state
    return state


def current_page() -> str:
    """The running page's file, relative to the app's root ("Home.py", "pages/1_…py")."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return "Home.py"
    info = ctx.pages_manager.get_pages().get(ctx.pages_manager.current_page_script_hash, {})
    try:
        return Path(info["script_path"]).resolve().relative_to(ROOT).as_posix()
    except (KeyError, ValueError):
        return "Home.py"


def arrive(page: str) -> None:
    """Before the sidebar's picker: join from the link on a session's first run, and, for a
    follower, take the class's model and go to its page when the instructor changed them."""
    state = st.session_state
    state.pop("class_state", None)
    if "class_me" not in state:
        _from_link()
    if not following():
        return
    doc = _state()
    if doc is None:
        return
    # Every run, not only when the version changed: a run that was cut short leaves nothing
    # half-followed.
    if doc.model and state.get(selection.REF_KEY) != ModelRef(**doc.model):
        state[selection.REF_KEY], state.own_pick = ModelRef(**doc.model), None
    if doc.page != page and (ROOT / doc.page).exists():
        st.switch_page(doc.page)
    state.class_seen = doc.version  # this run shows the class's page and model


def publish(page: str, ref: ModelRef) -> None:
    """After the picker, for the instructor: the class follows this page and model."""
    if not teaching():
        return
    member = me()
    model = ({"kind": ref.kind, "latent": ref.latent, "beta": ref.beta} if not ref.is_own
             else None)

    def change(doc: stores.ClassState) -> stores.ClassState:
        return replace(doc, page=page, model=model or doc.model,
                       shared=doc.shared if doc.page == page else {})

    try:
        st.session_state.class_state = store().steer(member.code, member.secret, change)
        st.session_state.class_paused = False
    except Unavailable:
        st.session_state.class_paused = True
    except (UnknownClass, NotAllowed):
        leave(_gone(member.code))
        return
    if ref.is_own:
        st.sidebar.caption("Your class follows the pretrained model: models you trained stay "
                           "in your browser session.")


def share(name: str, value: Any) -> None:
    """The instructor's experiment state on this lesson (the sliders' code…): students follow it."""
    member = me()
    if not teaching() or st.session_state.get("class_paused"):
        return
    try:
        store().steer(member.code, member.secret,
                      lambda doc: replace(doc, shared={**doc.shared, name: value}))
    except (Unavailable, UnknownClass, NotAllowed):
        pass  # the bar says so on the next run


def follow(name: str) -> Any:
    """For a follower: the instructor's `name` state when it changed since this session took it,
    else None."""
    doc = st.session_state.get("class_state")
    if not following() or doc is None or name not in doc.shared:
        return None
    applied = st.session_state.setdefault("class_applied", {})
    if applied.get(name) == doc.shared[name]:
        return None
    applied[name] = doc.shared[name]
    return doc.shared[name]


# --- what a page shows ------------------------------------------------------------------------

def notices() -> None:
    for kind, text in st.session_state.pop("class_notices", []):
        getattr(st, kind)(text)


def bar() -> None:
    """The class's line at the top of a page (the sidebar is folded away on a phone), and the
    timer that reruns the page when the class changes."""
    notices()
    member = me()
    if member is None:
        return
    if member.role == "projector":
        projector_style(member.code)
    state = st.session_state
    paused = state.get("class_paused", False)
    if member.role == "student" and following():
        _poll(member.code, "paused" if paused else f"open:{state.get('class_seen')}", False)
    elif member.role != "student":  # the instructor's and the projector's: with the counts
        _poll(member.code, "paused" if paused else _key(member.code), True)
    if paused:
        st.warning(PAUSED)
    if member.role == "teach":
        _teacher_line(member)
    elif member.role == "student":
        _student_line(member)


def _key(code: str) -> str:
    try:
        return status.key(store(), code, counts=True)
    except Unavailable:
        return "paused"


def _teacher_line(member: Member) -> None:
    try:
        n = len(store().members(member.code))
    except Unavailable:
        n = None
    with st.container(border=True, key="class_bar"):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"🧑‍🏫 You are teaching class **{member.code}**"
                      + (f" · {n} student{'s' if n != 1 else ''} joined" if n is not None else "")
                      + " · they follow the lesson and the model you open.")
        right.page_link(course.CLASS.path, label="Class page", icon=course.CLASS.icon)


def _student_line(member: Member) -> None:
    state = st.session_state
    with st.container(border=True, key="class_bar"):
        left, right = st.columns([4, 1.2], vertical_alignment="center")
        if following():
            left.markdown(f"🎓 Class **{member.code}** · you follow your instructor's lesson "
                          "and model.")
            if right.button("Step out", help="Explore on your own; the class goes on.",
                            width="stretch", key="class_step_out"):
                state.class_following = False
                st.rerun()
        else:
            left.markdown(f"🎓 Class **{member.code}** · you stepped out to explore.")
            if right.button("Back to the class", type="primary", width="stretch",
                            key="class_back"):
                state.class_following, state.class_seen, state.class_applied = True, -1, {}
                st.rerun()


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes (segno: a pure-Python QR encoder)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def join_link(code: str) -> str:
    base = (st.context.url or "").split("?")[0]
    # the class link opens Home; from there the class takes the student to its page
    for path in ("/" + p for p in course.page_urls() if p):
        base = base.removesuffix(path)
    return f"{base}/?class={code}"


def projector_style(code: str) -> None:
    """Large type, no sidebar or header, and the join code with its QR code in a corner."""
    qr = base64.b64encode(qr_png(join_link(code), scale=3)).decode()
    st.html(f"""<style>
      [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
      [data-testid="stHeader"], [data-testid="stExpandSidebarButton"] {{ display: none; }}
      html {{ font-size: 22px; }}
      [data-testid="stMainBlockContainer"] {{ padding-top: 1.5rem; max-width: 100%; }}
      .ll-joincode {{ position: fixed; right: 1rem; bottom: 1rem; z-index: 1000;
        background: #ffffff; color: #111111; border: 2px solid #111111; border-radius: 0.5rem;
        padding: 0.4rem 0.7rem; text-align: center; font-size: 1rem; line-height: 1.2; }}
      .ll-joincode b {{ font-size: 1.6rem; letter-spacing: 0.12em; }}
      .ll-joincode img {{ display: block; margin: 0.3rem auto 0; width: 7rem; height: 7rem;
        image-rendering: pixelated; }}
    </style>
    <div class="ll-joincode" role="note" aria-label="Join code {code}">Join the class<br>
      <b>{code}</b><img src="data:image/png;base64,{qr}" alt="QR code of the join link"></div>""")


# --- questions -----------------------------------------------------------------------------

class _AppLab:
    """The figures a measurement reads, from the app's caches."""

    card = staticmethod(selection.card)
    codes = staticmethod(selection.codes)

    @staticmethod
    def labels() -> Any:
        return selection.test_set()[1]


@st.cache_data(show_spinner="Measuring…", max_entries=64)
def _measure_zoo(question: str, kind: str, latent: int, beta: float) -> Measured:
    return BY_ID[question].measure(_AppLab(), ModelRef(kind, latent, beta))


def measure(question: Question, ref: ModelRef) -> Measured:
    """What the experiment behind `question` measures, for the model on screen where it
    depends on it. Raises WeightsError, MnistError or LookupError if it cannot be measured."""
    if ref.is_own:
        return question.measure(_AppLab(), ref)
    return _measure_zoo(question.id, ref.kind, ref.latent, ref.beta)


def _answer_widget(q: Question, key: str) -> Answer | None:
    if q.is_choice:
        return st.radio("Your prediction", q.choices, index=None, key=key)
    return st.number_input(f"Your prediction ({q.unit})" if q.unit else "Your prediction",
                           min_value=q.low, max_value=q.high, value=None, step=1.0,
                           key=key, placeholder=f"a number from {q.low:g} to {q.high:g}")


def questions(page: str, ref: ModelRef) -> None:
    """The page's "predict first" questions: answered alone (checked at once), or in a class
    (sent to the class, revealed by the instructor)."""
    for q in for_page(page):
        with st.container(border=True, key=f"question_{q.id}"):
            st.markdown(f"**Predict first** · {q.prompt}")
            member = me()
            if member is None:
                _alone(q, ref)
            elif member.role == "student":
                _student(q, member)
            else:
                _counted(q, member, ref)


def _measured_or_say(q: Question, ref: ModelRef) -> Measured | None:
    try:
        return measure(q, ref)
    except (WeightsError, MnistError, LookupError) as error:
        st.warning(f"This question cannot be measured now ({error}). Pick another model in the "
                   "sidebar.")
        return None


def _alone(q: Question, ref: ModelRef) -> None:
    value = _answer_widget(q, f"q_{q.id}_alone")
    if not st.toggle("Check my prediction", key=f"q_{q.id}_check", disabled=value is None,
                     help="Answer first; then the measured result shows."):
        st.caption(f"Where to check it yourself: {q.where}")
        return
    measured = _measured_or_say(q, ref)
    if measured is not None and value is not None:
        result(q, [value], measured, mine=value)


def _student(q: Question, member: Member) -> None:
    doc = st.session_state.get("class_state")
    if doc is not None and q.id in doc.revealed:
        mine = _answers(member.code, q.id).get(member.seat)
        _revealed(q, member, doc, mine=mine)
        return
    key = f"q_{q.id}_{member.code}"
    with st.form(f"form_{key}", border=False):
        value = _answer_widget(q, key)
        sent = st.form_submit_button("Send my answer")
    if sent:
        _send(q, member, value)
    given = st.session_state.get(f"sent_{key}")
    if given is not None:
        st.caption(f"Your answer, **{_fmt(q, given)}**, is in. You can change it until your "
                   "instructor reveals the class's answers.")


def _send(q: Question, member: Member, value: Answer | None) -> None:
    if value is None:
        st.warning("Pick or type an answer first, then send it.")
        return
    if not _limit("answer").allow():
        st.warning(f"Too many answers in a minute: wait {_limit('answer').wait():.0f} s and send "
                   "it again.")
        return
    try:
        value = q.valid(value)
        store().answer(member.code, member.seat, q.id, value)
    except ValueError as bad:
        st.warning(str(bad))
        return
    except Closed as closed:
        st.warning(str(closed))
        return
    except UnknownClass:
        leave(_gone(member.code))
        st.rerun()
    except Unavailable:
        st.warning(PAUSED + " Send your answer again then.")
        return
    st.session_state[f"sent_q_{q.id}_{member.code}"] = value


def _fmt(q: Question, value: Answer) -> str:
    return str(value) if q.is_choice else f"{float(value):g}" + (f" {q.unit}" if q.unit else "")


def _answers(code: str, question: str) -> dict[str, Any]:
    try:
        return store().answers(code, question)
    except Unavailable:
        return {}


def _counted(q: Question, member: Member, ref: ModelRef) -> None:
    """The instructor's and the projector's view: how many answered, then the reveal. The page
    reruns when a count changes (`bar`'s timer asks for the counts)."""
    try:
        doc = store().get(member.code)
        answered, joined = len(store().answers(member.code, q.id)), len(
            store().members(member.code))
    except Unavailable:
        st.warning(PAUSED)
        return
    except UnknownClass:
        return
    if q.id in doc.revealed:
        _revealed(q, member, doc)
        return
    st.markdown(f"**{answered} of {joined}** student{'s' if joined != 1 else ''} answered.")
    if member.role == "teach" and st.button("Reveal the answers", key=f"reveal_{q.id}",
                                            type="primary"):
        measured = _measured_or_say(q, ref)
        if measured is not None:
            try:
                stores.reveal(store(), member.code, member.secret, q.id,
                              {"answer": measured.answer, "figures": measured.figures})
            except (Unavailable, UnknownClass, NotAllowed):
                st.warning(PAUSED)
                return
            st.rerun()


def _revealed(q: Question, member: Member, doc: stores.ClassState,
              mine: Answer | None = None) -> None:
    measured = measured_from(doc.revealed, q)
    answers = list(_answers(member.code, q.id).values())
    result(q, answers, measured, mine=mine)


def result(q: Question, answers: list[Answer], measured: Measured,
            mine: Answer | None = None) -> None:
    """The answers' distribution beside the measured result, and a sentence on them."""
    left, right = st.columns([3, 2])
    table = rows(q, "", answers, measured)
    frame = pd.DataFrame({"answer": [r["answer"] for r in table],
                          "students": [r["students"] for r in table]})
    frame["measured"] = [_holds(q, r["answer"], measured) for r in table]
    who = "Your prediction" if mine is not None and len(answers) <= 1 else "The class's answers"
    charts.show(answer_chart(frame, q), where=left, alt_text=(
        f"Bar chart of {len(answers)} answer{'s' if len(answers) != 1 else ''} to the question, "
        "one bar per answer; the measured answer's bar is marked"),
        data=frame.rename(columns={"measured": "holds the measurement"}),
        data_title=f"{who}: the numbers")
    right.metric("Measured", _fmt(q, measured.answer))
    right.caption(measured.figures)
    if mine is not None:
        right.markdown(("✅ " if q.right(mine, measured) else "✖️ ")
                       + f"Your prediction: **{_fmt(q, mine)}**.")
    if len(answers) > 1 or mine is None:
        right.markdown(verdict(q, answers, measured))


def _holds(q: Question, option: str, measured: Measured) -> bool:
    """Whether the bar `option` holds the measured answer."""
    if q.is_choice:
        return option == measured.answer
    value = float(measured.answer)
    if "–" in option:
        lo, hi = (float(v) for v in option.split("–"))
        return lo <= value < hi or (hi == q.high and value == hi)
    return float(option) == round(value)


def answer_chart(frame: pd.DataFrame, q: Question) -> alt.Chart:
    """Bars of how many gave each answer; the measured one filled dark, the others light."""
    return alt.Chart(frame).mark_bar(stroke="#111111", strokeWidth=1).encode(
        x=alt.X("answer:N", sort=list(frame["answer"]), title=None,
                axis=alt.Axis(labelAngle=0 if q.is_choice and len(q.choices) <= 3 else -40,
                              labelLimit=160)),
        y=alt.Y("students:Q", title="students", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("measured:N", scale=alt.Scale(domain=[True, False],
                                                      range=["#2b5d8a", "#c9d7e6"]),
                        legend=alt.Legend(title=None, labelExpr="datum.value ? 'the measured "
                                          "answer' : 'other answers'", orient="top")),
        tooltip=["answer", "students"]).properties(height=220)


# --- the sidebar's class box ----------------------------------------------------------------

def sidebar_box() -> None:
    """Start a class, join one, or say which one this session is in."""
    member = me()
    if member is None:
        st.caption("Teach a live class: your students follow the lessons and models you open, "
                   "answer the questions, and see the class's answers beside the measurement.")
        if st.button("Start a class", key="class_start", width="stretch"):
            start()
            if me() is not None:
                st.switch_page(course.CLASS.path)
        join_form("sidebar")
        return
    role = {"teach": "You teach class", "student": "You are in class",
            "projector": "Projector view of class"}[member.role]
    st.markdown(f"{role} **{member.code}**"
                + (f" as “{plain(member.nickname)}”" if member.nickname else "") + ".")
    st.page_link(course.CLASS.path, label="Class page", icon=course.CLASS.icon)
    if member.role != "teach" and st.button("Leave the class", key="class_leave"):
        leave()
        st.rerun()


def join_form(where: str) -> None:
    """A join code and an optional nickname; joining reruns the page into the class."""
    with st.form(f"class_join_{where}", border=where != "sidebar"):
        code = st.text_input("Join code", max_chars=12, placeholder="e.g. K7Q3PX",
                             key=f"class_code_{where}")
        nickname = st.text_input("Nickname (optional)", max_chars=stores.NICKNAME_LENGTH,
                                 key=f"class_nick_{where}",
                                 help="Shown only to your instructor. Nothing else about you "
                                 "is stored, and the class forgets it when it ends.")
        if st.form_submit_button("Join the class", width="stretch") and join(code, nickname):
            st.rerun()
