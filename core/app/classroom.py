"""Class mode: an instructor steers, students follow and answer, the class sees its answers
beside what the experiment measured.

Roles, all kept in the browser session (`Member`) and in the page's link:
- the instructor (`?class=CODE&teach=SECRET`): every page and model they open is published to
  the class's store (`core.classroom.store`), and so is a lesson's experiment state (`share`);
- a student (`?class=CODE&seat=SEAT`, or the code typed in): follows the instructor's page,
  model and experiment state (`follow`) until they step out, and answers the questions;
- the projector (`?class=CODE&view=projector`): follows like a student, never answers, shows
  large type, no sidebar, and the join code in a corner.

A follower's browser asks the class's status route to answer when the class changes (a long
poll: `class_bar._poll`; `serve.py` mounts the route) and then reruns the page. If the store
cannot be reached the class pauses and the lessons go on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import streamlit as st

from core.app import selection
from core.classroom import limits, status
from core.classroom import store as stores
from core.classroom.store import (
    Closed,
    NotAllowed,
    Unavailable,
    UnknownClass,
    looks_like_code,
    normalise_code,
)
from core.reference import ModelRef

ROOT = Path(__file__).resolve().parents[2]
POLL_S = 1.0  # a follower's browser asks the class at most once a second (a long poll)
QUIET_S = 1.0  # ... and reruns its page only after a second without a click or a key
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


def me() -> Member | None:
    return st.session_state.get("class_me")


def following() -> bool:
    """True while this session follows a class (and so its model picker is the class's)."""
    member = me()
    return member is not None and member.follows and st.session_state.get("class_following", True)


def teaching() -> bool:
    member = me()
    return member is not None and member.role == "teach"


def limit(name: str) -> limits.RateLimit:
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


def gone_message(code: str) -> str:
    return GONE.format(code=code, hours=stores.ttl_seconds() / 3600)


def join(typed: str, nickname: str = "", seat: str = "") -> bool:
    """Join the class with the typed code as a student; False (with a notice) if it cannot."""
    code = normalise_code(typed)
    if not status.mounted():
        _say(NEEDS_SERVE, "info")
        return False
    if not limit("join").allow():
        _say(f"Too many tries to join: wait {limit('join').wait():.0f} s, then type the code "
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
        _say(gone_message(code))
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
            _say(gone_message(code))
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
        leave(gone_message(member.code))
        return None
    st.session_state.class_paused = False
    st.session_state.class_state = state
    return state


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
        doc = store().get(member.code)
        if change(doc).to_json() != doc.to_json():  # a write only when the class moves on
            doc = store().steer(member.code, member.secret, change)
        st.session_state.class_state = doc
        st.session_state.class_paused = False
    except Unavailable:
        st.session_state.class_paused = True
    except (UnknownClass, NotAllowed):
        leave(gone_message(member.code))
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
        if store().get(member.code).shared.get(name) != value:  # a write only on a change
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
