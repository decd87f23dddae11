"""Class mode: start or join a class; the instructor's links, QR code, members, questions and
summary; the projector's join screen."""

import pandas as pd
import streamlit as st

from core.app import class_bar, class_questions, classroom, course, layout
from core.classroom import store as stores
from core.classroom.questions import QUESTIONS
from core.classroom.summary import COLUMNS, measured_from, rows

layout.page("Class · Latent Lab", course.CLASS.icon)
st.title(f"{course.CLASS.icon} Class")
member = classroom.me()
TITLES = {lesson.path: lesson.title for lesson in course.LESSONS}


def how_it_works() -> None:
    st.markdown(f"""
A live class: the instructor starts it and shows its **join code**; students join by link, QR
code or by typing the code, with a nickname if they like (no account; nothing else about them is
stored).

- **Students follow** the lesson and the model the instructor opens, and the sliders' code on
  *Latent sliders*. *Step out* explores alone; *Back to the class* returns.
- **Predict first.** {len(QUESTIONS)} lessons ask a question; each student answers (and may
  change it) until the instructor reveals the class's answers beside what the experiment measured.
- **At the end**, this page has the class's summary as a CSV file. A class ends when the
  instructor ends it, or {stores.ttl_seconds() / 3600:g} hours after it started.

The *{course.KIT.title}* has a 50-minute plan, a cheat-sheet and exercises.""")
    st.page_link(course.KIT.path, label=course.KIT.title, icon=course.KIT.icon)


def summary_frame(code: str, revealed: dict) -> pd.DataFrame:
    out = []
    for q in QUESTIONS:
        answers = list(classroom.store().answers(code, q.id).values())
        out += rows(q, TITLES[q.page], answers, measured_from(revealed, q))
    return pd.DataFrame(out, columns=list(COLUMNS))


def questions_status(code: str, revealed: dict, show_results: bool) -> None:
    st.header("Questions")
    for q in QUESTIONS:
        answers = list(classroom.store().answers(code, q.id).values())
        measured = measured_from(revealed, q)
        with st.container(border=True):
            st.markdown(f"**{TITLES[q.page]}** · {q.prompt}")
            if measured is None:
                teach = member.role == "teach"
                st.caption(f"{len(answers)} answered · not revealed yet"
                           + (" (reveal it on the lesson page)." if teach else "."))
                if teach:
                    st.page_link(q.page, label=f"Open {TITLES[q.page]}")
            elif show_results:
                class_questions.result(q, answers, measured)
            else:
                st.caption(f"{len(answers)} answered · revealed.")


def join_screen(code: str, large: bool) -> None:
    """The join code, its link and the QR code: what the projector shows at the start."""
    link = class_bar.join_link(code)
    left, right = st.columns([3, 2] if large else [2, 1], vertical_alignment="center")
    left.markdown(f'<p class="ll-code" aria-label="Join code {code}">{code}</p>',
                  unsafe_allow_html=True)
    left.markdown(f"Join at **{link.split('?')[0]}** with the code above, or open the link:")
    left.code(link, language=None)
    right.image(class_bar.qr_png(link), caption="Scan to join", width=260 if large else 180)


STYLE = """<style>[data-testid="stMarkdownContainer"] p.ll-code {
  font-size: 4rem; font-weight: 700; letter-spacing: 0.15em;
  margin: 0; line-height: 1.1; font-family: ui-monospace, monospace; }</style>"""
st.markdown(STYLE, unsafe_allow_html=True)

with layout.part("the class"):
    if member is None:
        how_it_works()
        teach, learn = st.columns(2)
        with teach:
            st.header("Teach")
            st.markdown("Start a class and project its join code.")
            if st.button("Start a class", type="primary", key="class_start_page"):
                classroom.start()
                st.rerun()
        with learn:
            st.header("Join")
            class_bar.join_form("page")
    else:
        doc = st.session_state.get("class_state")
        if doc is None:
            doc = classroom.store().get(member.code)
        if member.role == "teach":
            join_screen(member.code, large=False)
            st.header("Your links")
            st.markdown("**Projector view**: open it on the screen the class sees. It follows "
                        "you like a student, in large type, with the join code in a corner.")
            st.code(class_bar.join_link(member.code) + "&view=projector", language=None)
            st.markdown("**Your instructor link**: it drives the class. Keep it to yourself, "
                        "and do not project this page's address bar.")
            st.code(class_bar.join_link(member.code) + f"&teach={member.secret}", language=None)
            students = classroom.store().members(member.code)
            st.header(f"Students: {len(students)}")
            if students:
                st.dataframe(pd.DataFrame({"nickname": [n or "—" for n in students.values()]}),
                             hide_index=True, height=min(38 + 35 * len(students), 300))
            questions_status(member.code, doc.revealed, show_results=True)
            st.header("End of class")
            frame = summary_frame(member.code, doc.revealed)
            st.download_button("⬇️ Download the summary (CSV)", frame.to_csv(index=False).encode(),
                               file_name=f"latent-lab-class-{member.code}.csv", mime="text/csv")
            st.caption("One row per answer of each question: how many students gave it, their "
                       "share, and the measured answer once revealed.")
            if st.toggle("I have the summary: end the class", key="class_end_ready"):
                if st.button("End the class", type="primary"):
                    st.session_state.class_summary = frame
                    stores.end(classroom.store(), member.code, member.secret)
                    classroom.leave(f"Class {member.code} has ended: its code no longer works "
                                    "and its answers are deleted.")
                    st.rerun()
        elif member.role == "projector":
            join_screen(member.code, large=True)
            st.markdown(f"**{len(classroom.store().members(member.code))}** students joined.")
            questions_status(member.code, doc.revealed, show_results=True)
        else:
            st.markdown(f"You are in class **{member.code}**"
                        + (f" as “{class_bar.plain(member.nickname)}”" if member.nickname
                           else "") + ".")
            questions_status(member.code, doc.revealed, show_results=True)

summary = st.session_state.get("class_summary")
if member is None and summary is not None:
    st.header("Your last class's summary")
    st.download_button("⬇️ Download the summary (CSV)", summary.to_csv(index=False).encode(),
                       file_name="latent-lab-class-summary.csv", mime="text/csv",
                       key="class_summary_again")
st.page_link(course.HOME, label="Back to the lesson map", icon="🏠")
