"""What class mode draws on every page: the class's line at the top and the timer that
reruns a page when its class changed, the projector's look, the join code's QR code, and the
sidebar's class box. The state behind them is `core.app.classroom`'s."""

from __future__ import annotations

import base64
import functools
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from core.app import course
from core.app.classroom import (
    PAUSED,
    POLL_S,
    QUIET_S,
    ROOT,
    Member,
    following,
    join,
    leave,
    me,
    start,
    store,
)
from core.classroom import status
from core.classroom import store as stores
from core.classroom.store import Unavailable

# The follower's timer, in the browser. While the page's script is idle it asks the class's
# status route (`core.classroom.status`) whether the class's key still is the one the page was
# drawn with; the route answers when it changes (a long poll), and the page reruns. Asking costs
# the server no script run. It waits for a quiet page: a rerun sent while a student's own click
# is on its way to the server would replace that click's run (a form's "Send my answer", the live
# view's request for the model), and Streamlit would drop the click. (Fragments rerun on a timer,
# Streamlit's `run_every` or a component's trigger, were tried first: a fragment run requested as
# the server switched a follower's page crashed that page, "Bad delta path index", in 4 of 10
# tries of tests/browser/test_class.py.)
FOLLOW_JS = """
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const idle = () => document.querySelector("[data-test-script-state]")
  ?.getAttribute("data-test-script-state") === "notRunning";

export default function ({ parentElement, data, setTriggerValue }) {
  parentElement.llStop?.();
  const controller = new AbortController();
  let stopped = false;
  const stop = () => { stopped = true; controller.abort(); };
  parentElement.llStop = stop;
  if (!window.llTouched) {  // when the student last clicked or typed on this page
    window.llTouched = 0;
    for (const type of ["pointerdown", "keydown", "input"])
      document.addEventListener(type, () => { window.llTouched = Date.now(); }, true);
  }
  const ready = () => idle() && Date.now() - window.llTouched > data.quiet;
  const url = `${data.url}${data.url.includes("?") ? "&" : "?"}` +
    `drawn=${encodeURIComponent(data.drawn)}`;
  (async () => {
    while (!stopped) {
      while (!stopped && !ready()) await sleep(100);
      const asked = Date.now();
      let key;
      try {
        const answer = await fetch(url, { cache: "no-store", signal: controller.signal });
        key = (await answer.json()).key;
      } catch (error) {
        key = "paused";  // the server itself cannot be reached
      }
      if (stopped) return;
      if (key !== data.drawn && key !== "limited") {
        while (!stopped && !ready()) await sleep(100);
        if (stopped) return;
        setTriggerValue("changed", `${key} ${Date.now()}`);
      }
      // At most one question per `ms`: a route that answers at once (an error, a limit, a
      // change the rerun has not drawn yet) is not asked in a tight loop.
      await sleep(Math.max(0, (key === "limited" ? 10 : 1) * data.ms - (Date.now() - asked)));
    }
  })();
  // Only this render's loop: a render that replaced it may already run on the same element.
  return stop;
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
    _timer()(key="class_timer", data={"url": url, "drawn": drawn, "ms": int(POLL_S * 1000),
                                      "quiet": int(QUIET_S * 1000)},
             on_changed_change=lambda: None)


def plain(text: str) -> str:
    """`text` as Markdown that shows it as typed: no markup, link, formula or HTML in a nickname."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~$<>&])", r"\\\1", text)


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
    """The link that joins class `code`: it opens Home, and the class takes the student on."""
    url = urlsplit(st.context.url or "")
    origin = f"{url.scheme}://{url.netloc}" if url.netloc else ""
    return f"{origin}{_base_path()}/?class={code}"


def projector_style(code: str) -> None:
    """Large type, no sidebar or header, and the join code with its QR code in a corner."""
    qr = base64.b64encode(qr_png(join_link(code), scale=3)).decode()
    st.html(f"""<style>
      [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
      [data-testid="stHeader"], [data-testid="stExpandSidebarButton"] {{ display: none; }}
      html {{ font-size: 22px; }}
      [data-testid="stMainBlockContainer"] {{ padding-top: 1.5rem; max-width: 100%;
        padding-right: 10rem; }}  /* the corner's box never covers the lesson */
      .ll-joincode {{ position: fixed; right: 1rem; bottom: 1rem; z-index: 1000;
        background: #ffffff; color: #111111; border: 2px solid #111111; border-radius: 0.5rem;
        padding: 0.4rem 0.7rem; text-align: center; font-size: 1rem; line-height: 1.2; }}
      .ll-joincode b {{ font-size: 1.6rem; letter-spacing: 0.12em; }}
      .ll-joincode img {{ display: block; margin: 0.3rem auto 0; width: 7rem; height: 7rem;
        image-rendering: pixelated; }}
    </style>
    <div class="ll-joincode" role="note" aria-label="Join code {code}">Join the class<br>
      <b>{code}</b><img src="data:image/png;base64,{qr}" alt="QR code of the join link"></div>""")


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
        if st.form_submit_button("Join the class", width="stretch"):
            if join(code, nickname):
                st.rerun()
            notices()  # why not, beside the form
