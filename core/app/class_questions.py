"""The "predict first" questions on a lesson page: answered alone and checked at once, or
answered in a class, counted on the instructor's screen and revealed beside the measurement."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.app import charts, selection
from core.app.classroom import PAUSED, Member, gone_message, leave, limit, me, store
from core.checkpoint import WeightsError
from core.classroom import store as stores
from core.classroom.questions import BY_ID, Answer, Measured, Question, for_page, verdict
from core.classroom.store import Closed, NotAllowed, Unavailable, UnknownClass
from core.classroom.summary import measured_from, rows
from core.data import MnistError
from core.reference import ModelRef


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
                           format="%.0f", key=key,
                           placeholder=f"a number from {q.low:g} to {q.high:g}")


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
    if not limit("answer").allow():
        st.warning(f"Too many answers in a minute: wait {limit('answer').wait():.0f} s and send "
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
        leave(gone_message(member.code))
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
    if mine is not None and len(answers) <= 1:  # alone: the prediction beside the measurement
        st.metric("Measured", _fmt(q, measured.answer))
        st.caption(measured.figures)
        st.markdown(("✅ " if q.right(mine, measured) else "✖️ ")
                    + f"Your prediction: **{_fmt(q, mine)}**.")
        return
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
    """One horizontal bar per answer (labels stay readable on a phone): how many gave it. The
    measured answer's bar is filled dark and its label says so: no legend to read."""
    labels = [f"{a} (measured)" if m else a for a, m in zip(frame["answer"], frame["measured"])]
    frame = frame.assign(label=labels)
    return alt.Chart(frame).mark_bar(stroke="#111111", strokeWidth=1).encode(
        y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("students:Q", title="students", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("measured:N", scale=alt.Scale(domain=[True, False],
                                                      range=["#2b5d8a", "#c9d7e6"]),
                        legend=None),
        tooltip=["answer", "students"]).properties(height=alt.Step(26))
