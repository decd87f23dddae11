"""A lesson's frame: page setup, the title and what you will learn, parts in tabs, "what to
notice", "try this", the code behind it, the next lesson, and the one way a part fails.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import streamlit as st

from core import glossary
from core.app import class_bar, class_questions, classroom, course, selection, serving, sidebar
from core.checkpoint import ClassifierError, WeightsError
from core.data import MnistError, data_dir, remembered_failure, retry
from core.lessons.protocol import protocol_claim
from core.reference import ModelRef

LOGGER = logging.getLogger("latent_lab")


def page(title: str, icon: str) -> ModelRef:
    """Page setup shared by every page: settings, styles, the class (if this session is in one:
    a follower goes where the class is) and the sidebar picker."""
    serving.configure_process()
    serving.script_thread()
    serving.freeze_heap()  # at once unless the last runs imported modules (then ~0.1 s, once)
    st.set_page_config(page_title=title, page_icon=icon, layout="wide")
    st.markdown(_CSS, unsafe_allow_html=True)
    here = class_bar.current_page()
    classroom.arrive(here)
    ref = sidebar.picker()
    classroom.publish(here, ref)
    class_bar.bar()
    st.session_state.page_ref = ref
    return ref


def lesson(title: str, icon: str, learn: list[str], terms: list[str] = ()) -> ModelRef:
    """A lesson's top: page setup, the sidebar picker, the title, "what you will learn" and
    the glossary's entries for the terms it uses."""
    ref = page(f"{title} · Latent Lab", icon)
    st.title(f"{icon} {title}")
    st.markdown("**What you will learn**\n" + "\n".join(f"- {item}" for item in learn))
    if terms:
        with st.expander("Terms in this lesson: " + ", ".join(terms)):
            st.markdown("\n".join(f"- **{t}**: {glossary.TERMS[t]}" for t in terms))
            st.page_link(course.GLOSSARY.path, label="Every term, in the glossary",
                         icon=course.GLOSSARY.icon)
    return ref


def fragment(body: Callable[[], None], *, run_every: float | None = None) -> Callable[[], None]:
    """`st.fragment(body)`, whose reruns (each in a new script thread) get the script thread's
    settings as a full run does."""

    @functools.wraps(body)
    def settled() -> None:
        serving.script_thread()
        body()

    return st.fragment(settled, run_every=run_every)


# Each page's sections, as `sections` registered them: key -> titles. The warm-up reads it to
# run every section of a page once, not only the first.
SECTIONS: dict[str, list[str]] = {}


def sections(parts: dict[str, Callable[[], None]], key: str, *,
             lesson_parts: bool = True) -> None:
    """A lesson's parts as tabs, title -> body; only the open tab's body runs and is sent.

    Much of a new tab's time is the browser's React rendering of every element it is sent (a
    Chromium trace of Autoencoder vs VAE opening on a warm server: 2.1 s of React for its 55
    elements with all four parts on the page, 0.8 s for the 23 with one), so a page sends one
    part at a time. `key` keeps the choice while the student changes models. Each body runs as
    a `part`: if it fails, the other tabs and the rest of the page still work. With
    `lesson_parts` the tabs are introduced as the lesson's parts.
    """
    SECTIONS[key] = list(parts)
    words = {2: "two", 3: "three", 4: "four", 5: "five"}
    if lesson_parts:
        st.markdown(f"The lesson has {words.get(len(parts), len(parts))} parts; pick one in the "
                    "tabs below.")
    for tab, (title, body) in zip(st.tabs(list(parts), key=key, on_change="rerun"),
                                  parts.items()):
        if tab.open:
            with tab, part(title.split("·")[-1].strip().lower()):
                body()


class Advice(Exception):
    """Raised inside a `part` when the student's input cannot be used: the message says what to
    do instead, and the part shows it in place of its figures."""


class Nothing(Exception):
    """Raised inside a `part` when there is nothing to show yet: the message, as a caption."""


@contextmanager
def part(what: str) -> Iterator[None]:
    """Run one part of a page; if it fails, say there what failed and what to do, and let the
    rest of the page render. The one error idiom of every page.

    Streamlit's own stop/rerun signals derive from BaseException and pass through.
    """
    try:
        yield
    except Advice as advice:
        st.warning(str(advice))
    except Nothing as nothing:
        st.caption(str(nothing))
    except MnistError as error:
        st.warning(f"**{what.capitalize()}** needs the MNIST digits. {error}")
        if remembered_failure(data_dir()) is not None:
            st.button("Try the download again", key=f"retry_mnist_{what}",
                      on_click=retry, args=(data_dir(),))
    except ClassifierError as error:
        st.warning(f"**{what.capitalize()}** needs the digit classifier, which cannot be loaded "
                   f"({error}). The models' own pictures and figures still show.")
    except WeightsError as error:
        st.warning(f"**{what.capitalize()}** is unavailable: {error}. Pick another model in "
                   "the sidebar; the rest of the lesson still works.")
    except Exception:  # noqa: BLE001 - a student sees a message, the server log the trace
        LOGGER.exception("a part of a page failed: %s", what)
        st.error(f"Something went wrong in **{what}**. The rest of the page still works; "
                 "reload to try again.")


FOCUS = "focus_result"  # the `result` the keyboard's focus goes to once it is drawn


def focus_next(key: str) -> None:
    """Ask that the focus land on the `result` container `key` once this run has drawn it: for
    a button whose result appears further down the page (a screen reader then reads it next,
    instead of staying on the button)."""
    st.session_state[FOCUS] = key


@contextmanager
def result(key: str, label: str) -> Iterator[None]:
    """A container for what an action produces, named `label` for a screen reader; after
    `focus_next(key)` the focus moves to it, once."""
    with st.container(key=key):
        yield
        if st.session_state.get(FOCUS) == key:
            del st.session_state[FOCUS]
            # Streamlit cannot focus an element itself; the script runs once, as the page draws
            # it (the nonce makes each request a new element).
            st.html(f"""<script data-nonce="{time.monotonic_ns()}">(() => {{
                const box = document.querySelector(".st-key-{key}");
                if (!box) return;
                box.tabIndex = -1;
                box.setAttribute("role", "region");
                box.setAttribute("aria-label", {json.dumps(label)});
                box.focus();
            }})();</script>""", unsafe_allow_javascript=True)


def notice(points: list[str]) -> None:
    """"What to notice": observations tied to the figures on screen."""
    st.success("**What to notice**\n\n" + "\n".join(f"- {p}" for p in points))


def try_this(prompts: list[str]) -> None:
    """"Try this": prompts to predict and check, and the page's questions (`core.classroom`),
    answered alone or with a class."""
    st.info("**Try this** (predict first, then check)\n\n" + "\n".join(f"- {p}" for p in prompts))
    class_questions.questions(class_bar.current_page(),
                              st.session_state.get("page_ref", selection.picked()))


def show_code(*objects: Callable[..., Any] | type) -> None:
    """A "show the code" expander with the source of the `core` functions behind the lesson."""
    # Filled only once opened (a rerun): a code block loads the browser's syntax highlighter,
    # ~0.6 s of every page open otherwise (`open_time` of bench/pages_and_memory.py on a page
    # with one collapsed code block against one without).
    with st.expander("Show the code", key="show_code_open", on_change="rerun") as box:
        if box.open:
            for obj in objects:
                st.caption(f"`{obj.__module__}.{obj.__qualname__}`")
                st.code(inspect.getsource(obj), language="python")


def next_lesson(after: str) -> None:
    """A link to the lesson after the page file `after` (or back home after the last one)."""
    following = course.lesson_after(after)
    if following is None:
        st.page_link(course.HOME, label="Back to the lesson map", icon="🏠")
    else:
        st.page_link(following.path, label=f"Next lesson: {following.title} — {following.blurb}",
                     icon=following.icon)


def trained_alike(refs: dict[str, ModelRef], differs: str) -> None:
    """Say under a comparison whether its models (name -> model) trained the same way, read
    from their cards; `differs` names what the comparison is about."""
    cards = {name: selection.card(ref) for name, ref in refs.items()}
    st.caption(protocol_claim(cards, differs).text)


def send_to_sliders(z: np.ndarray, source: str) -> None:
    """Carry a code to the Latent sliders lesson and go there (it loads z on arrival)."""
    st.session_state.sliders_incoming = {"z": [float(v) for v in z], "source": source}
    st.switch_page(course.SLIDERS)


_CSS = """
<style>
/* Keep the pixels of upscaled digits crisp, whatever size the browser draws them at. */
[data-testid="stImage"] img { image-rendering: pixelated; }
/* A picture the browser enlarges (`charts.picture`) shrinks to fit a narrow column. */
[data-testid="stImageContainer"] { max-width: 100%; }
/* Chart tooltips that show a digit (Embeddings) get it at 28 x 28: draw it three times larger. */
#vg-tooltip-element img { width: 84px; height: 84px; image-rendering: pixelated; }
/* A formula wider than a phone scrolls in its own box instead of running off the screen; the
   lessons' formulas are set on two lines and a little smaller there, so that none needs to (a
   box that scrolls is out of a keyboard's reach unless it can take the focus). */
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 0.2rem; }
@media (max-width: 640px) { .katex-display { font-size: 0.85em; } }
/* So do a table (the zoo's, on Home) and a chart wider than the screen (KL weight's panels of
   codes, three to a row): Streamlit lets both run off a phone's edge. */
[data-testid="stMarkdownContainer"] table { display: block; overflow-x: auto; }
[data-testid="stFullScreenFrame"]:has(> * > [data-testid="stVegaLiteChart"]) { overflow-x: auto; }
/* A slider's value in the text colour, not the theme's red: in dark mode that red is 3.9:1
   against the background (WCAG asks 4.5:1). */
[data-testid="stSliderThumbValue"] { color: inherit; }
/* So is a tab's label, hovered, focused or picked (on a phone, in dark mode, it was that red);
   the picked tab keeps its red underline, and its label turns bold: not colour alone. */
[data-testid="stMain"] [role="tablist"] [role="tab"] { color: inherit; }
[data-testid="stMain"] [role="tablist"] [role="tab"][aria-selected="true"] p { font-weight: 600; }
/* A section heading (h2) inside a column names the column: smaller than a page's sections, and
   a page's sections a little smaller on a phone. */
[data-testid="stMain"] [data-testid="stColumn"] h2 { font-size: 1.5rem; }
@media (max-width: 640px) { [data-testid="stMain"] h2 { font-size: 1.6rem; } }
/* Streamlit's small buttons (a chart's toolbar, the tabs' scroll arrows) are under WCAG 2.2's
   24 x 24 px target size on a phone; give them room. */
[data-testid="stBaseButton-elementToolbar"], [data-testid="stTabsScrollLeft"],
[data-testid="stTabsScrollRight"] { min-width: 24px; min-height: 24px; }
/* The class timer (`classroom._poll`) draws nothing: no gap for them either. */
.st-key-class_timer { display: none; }
</style>
"""
