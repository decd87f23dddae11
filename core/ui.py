"""What every page shares: the sidebar's model picker, the lesson layout and cached data.

Pages stay thin: they ask `core` for numbers and images and lay them out with these helpers.
Everything heavy is cached once per server (`st.cache_resource`): the models (in `core.zoo`),
the MNIST test set and each model's codes of it. None of it is ever mutated.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st
import torch

from core import runtime, zoo
from core.checkpoint import WeightsError
from core.data import MnistError, load_mnist
from core.images import COLOR_MAPS, png, tile, to_pixels
from core.latent import encode_mu
from core.models import Autoencoder
from core.own import OwnModel
from core.picker import FAMILIES, Choice, Options, options_from_cards, parse_query, snap, to_query

# The course, in order: (page file, title, icon, one line on what it teaches).
LESSONS = [
    ("pages/1_Reconstruction.py", "Reconstruction", "🔁",
     "What an autoencoder keeps of a digit, and how we measure what it loses."),
    ("pages/2_Autoencoder_vs_VAE.py", "Autoencoder vs VAE", "⚖️",
     "Same network, two bottlenecks: why only one of them can generate."),
    ("pages/3_KL_weight.py", "KL weight (β)", "🎚️",
     "The price of an orderly latent space: reconstruction against KL."),
    ("pages/4_Latent_sliders.py", "Latent sliders", "🕹️",
     "Drive the decoder yourself, one latent dimension per slider."),
    ("pages/5_Digit_prototypes.py", "Digit prototypes", "🧬",
     "The average code of each digit, and what the decoder makes of it."),
    ("pages/6_Neuron_progression.py", "Neuron progression", "🎞️",
     "Sweep one latent dimension at a time and name what it controls."),
    ("pages/7_Latent_manifold.py", "Latent manifold", "🗺️",
     "A map of what the decoder draws, beside where the digits live."),
    ("pages/8_Embeddings.py", "Embeddings", "🌌",
     "PCA, t-SNE and UMAP maps of the codes, and what each one keeps."),
    ("pages/9_Interpolation_and_arithmetic.py", "Interpolation and arithmetic", "➗",
     "Blending pictures against walking the latent space; A + B − C."),
    ("pages/10_Draw_your_digit.py", "Draw your own digit", "✏️",
     "Your handwriting, made into an MNIST digit, encoded and sampled."),
    ("pages/11_Train_your_own.py", "Train your own model", "🏋️",
     "Train a VAE or an autoencoder in the browser, then explore it in every lesson."),
]


def page_urls() -> list[str]:
    """The URL path of Home ("") and of every lesson, in course order: "Latent_sliders"…"""
    return ["", *[path.split("/", 1)[1].removesuffix(".py").split("_", 1)[1]
                  for path, *_ in LESSONS]]


SLIDERS_PAGE = "pages/4_Latent_sliders.py"


# ---------------------------------------------------------------------------------------------
# Cached data


@st.cache_data(ttl=60, show_spinner=False)
def zoo_options() -> Options:
    """family -> latent size -> betas, for every model in weights/ (re-read every minute)."""
    return options_from_cards(zoo.available())


@st.cache_resource(show_spinner="Loading the MNIST test digits…")
def test_set() -> tuple[torch.Tensor, np.ndarray]:
    """The 10,000 test images (10000, 1, 28, 28) float32 and their labels (10000,) int64."""
    x, labels = load_mnist("test")
    return x, labels.numpy()


@st.cache_resource(show_spinner="Encoding the test digits…", max_entries=32)
def test_codes(kind: str, latent_dim: int, beta: float) -> np.ndarray:
    """mu of every test image under a zoo model: (10000, latent_dim) float32."""
    return encode_mu(zoo.load_model(kind, latent_dim, beta), test_set()[0]).numpy()


def card(kind: str, latent_dim: int, beta: float = 1.0) -> dict[str, Any]:
    return zoo.card_for(kind, latent_dim, beta)


# ---------------------------------------------------------------------------------------------
# The picked model: from the zoo, or trained by the student in this session


def own_models() -> dict[int, OwnModel]:
    """Models trained in this browser session (Train your own): id -> model. Never shared."""
    return st.session_state.setdefault("own_models", {})


def model_for(choice: Choice) -> Autoencoder:
    """The picked model: the student's own, or the zoo's (stops the page if it is damaged)."""
    if choice.own is not None:
        return own_models()[choice.own].model
    return load(*choice.key)


def codes_for(choice: Choice) -> np.ndarray:
    """mu of every test image under the picked model: (10000, latent_dim) float32."""
    if choice.own is not None:
        return own_models()[choice.own].test_codes(test_set()[0])
    return test_codes(*choice.key)


def card_of(choice: Choice) -> dict[str, Any]:
    """The picked model's card: the zoo's JSON card, or the one made when the student trained."""
    if choice.own is not None:
        return own_models()[choice.own].card
    return card(*choice.key)


def session_alive() -> Callable[[], bool]:
    """A check that this browser session is still open, usable from another thread.

    Without a Streamlit server (AppTest, scripts) there is nothing to check: always true.
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: True
    server, session_id = Runtime.instance(), ctx.session_id
    return lambda: server.is_active_session(session_id)


def model_key(choice: Choice) -> tuple:
    """A key that tells the picked models apart, for caches and widget keys."""
    return ("own", choice.own) if choice.own is not None else choice.key


# ---------------------------------------------------------------------------------------------
# The model picker


def _init_choice(options: Options) -> None:
    """First run of a session: the shared link (if any) decides the model."""
    if "choice" in st.session_state:
        return
    start = snap(Choice(), options)
    choice, locked, notices = parse_query(st.query_params.to_dict(), options, start)
    st.session_state.choice = choice
    st.session_state.locked = locked
    st.session_state.link_notices = notices


def _on_pick() -> None:
    """Copy the sidebar widgets into the session's choice (widget state does not survive a
    page switch; st.session_state.choice does)."""
    state = st.session_state
    choice = Choice(state._pick_family, int(state._pick_latent),
                    float(state.get("_pick_beta", 1.0)), state._pick_cmap)
    state.choice = snap(choice, zoo_options())
    state.own_pick = None  # touching the pretrained picker means: a pretrained model


def picker() -> Choice:
    """The sidebar's model picker; returns the session's choice and mirrors it in the URL."""
    options = zoo_options()
    if not options:
        st.error("No pretrained models were found in `weights/`. Restore the folder from the "
                 "repository, or train the zoo with `python -m core.train --zoo`.")
        st.stop()
    _init_choice(options)
    state = st.session_state
    choice = state.choice = snap(state.choice, options)
    bar = st.sidebar
    bar.header("Model")
    for notice in state.pop("link_notices", []):
        bar.warning(notice)
    if state.locked:
        bar.info(f"**{choice.label}**\n\nFixed by your instructor's link.")
    else:
        state._pick_family, state._pick_latent = choice.family, choice.latent
        state._pick_beta, state._pick_cmap = choice.beta, choice.cmap
        bar.radio("Family", list(options), key="_pick_family", format_func=FAMILIES.get,
                  horizontal=True, on_change=_on_pick)
        bar.selectbox("Latent size", list(options[choice.family]), key="_pick_latent",
                      on_change=_on_pick, help="How many numbers the code z has.")
        if choice.family == "vae":
            bar.selectbox("β (KL weight)", options["vae"][choice.latent], key="_pick_beta",
                          format_func=lambda b: f"{b:g}", on_change=_on_pick,
                          help="The zoo has several β only at some latent sizes.")
        bar.radio("Colours", COLOR_MAPS, key="_pick_cmap", horizontal=True, on_change=_on_pick)
    query = to_query(choice, state.locked)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    own = _own_picker(choice)
    _model_card(own or choice)
    with bar.expander("Share this model with a class", key="share_open",
                      on_change="rerun") as box:  # filled once opened: see show_code
        if box.open:
            _share_link(choice, own is not None)
    return own or choice


def _share_link(choice: Choice, own: bool) -> None:
    """The read-only link to `choice`, with a copy button."""
    link = "?" + "&".join(f"{k}={v}" for k, v in to_query(choice, locked=True).items())
    st.markdown("Everyone who opens this link sees the same model, read-only:")
    st.code(_base_url() + link, language=None)
    st.caption("Drop `&lock=1` to let students change the model."
               + (" Models you trained yourself stay in your browser session and cannot be "
                  "shared: the link opens the pretrained model above." if own else ""))


def _own_picker(zoo_choice: Choice) -> Choice | None:
    """If the student has trained models, a choice between them and the pretrained one."""
    state, own = st.session_state, own_models()
    if state.get("own_pick") not in own:
        state.own_pick = None
    if not own:
        return None
    state._pick_own = state.own_pick
    st.sidebar.selectbox(
        "Or a model you trained", [None, *own], key="_pick_own",
        format_func=lambda i: "— the pretrained model above —" if i is None else own[i].label,
        on_change=lambda: state.update(own_pick=state._pick_own),
        help="Trained in the lesson Train your own model. Only you see it, until you close "
             "this tab.")
    if state.own_pick is None:
        return None
    config = own[state.own_pick].config
    return Choice(config.kind, config.latent_dim, config.beta, zoo_choice.cmap, state.own_pick)


def _base_url() -> str:
    url = st.context.url or ""
    return url.split("?")[0]


def _model_card(choice: Choice) -> None:
    try:
        info = card_of(choice)
    except WeightsError as error:
        st.sidebar.error(str(error))
        return
    test, quality = info["test"], info.get("sample_quality") or {}
    if info["kind"] == "ae":  # no KL term, so no ELBO: its loss is the reconstruction alone
        rows = [f"test reconstruction **{test['recon']:.1f}** nats",
                f"{info['latent_dim']} latent dimensions, no KL term"]
    else:
        rows = [f"test −ELBO **{test['neg_elbo']:.1f}** nats",
                f"reconstruction {test['recon']:.1f} · KL {test['kl']:.1f}",
                f"active dimensions {test['active_dims']} of {info['latent_dim']}"]
    confident = quality.get("prior", {}).get("confident_fraction")
    if confident is not None:
        rows.append(f"prior samples that look like a digit: {confident:.0%}")
    if choice.own is not None:
        rows.append(f"trained here: {info['epochs_completed']} epochs, {info['train_seconds']:.0f} s")
    st.sidebar.caption("**Model card** (10,000 test digits)  \n" + "  \n".join(rows))


def load(kind: str, latent_dim: int, beta: float = 1.0) -> Autoencoder:
    """A zoo model; on a missing or damaged file, say so, offer the others, and stop the page."""
    try:
        return zoo.load_model(kind, latent_dim, beta)
    except WeightsError as error:
        st.error(f"This model cannot be loaded: {error}\n\nPick another model in the sidebar; "
                 "the other lessons keep working.")
        st.stop()
        raise  # unreachable: st.stop raises


def data_or_stop() -> tuple[torch.Tensor, np.ndarray]:
    """The test set, or a message that says how to get it (and the page stops)."""
    try:
        return test_set()
    except MnistError as error:
        st.warning(f"This lesson needs the MNIST digits. {error}")
        st.stop()
        raise


# ---------------------------------------------------------------------------------------------
# Lesson layout


def page(title: str, icon: str) -> Choice:
    """Page setup shared by every page: config, styles and the sidebar picker."""
    runtime.settle_script_run()
    st.set_page_config(page_title=title, page_icon=icon, layout="wide")
    st.markdown(_CSS, unsafe_allow_html=True)
    return picker()


def fragment(body: Callable[[], None], *, run_every: float | None = None) -> Callable[[], None]:
    """`st.fragment(body)` whose reruns begin like a full run, with `settle_script_run`.

    A fragment rerun (a slider move) skips the page's top, where `page` settles every full
    run; without this, modules the page imported after its first settle stayed unfrozen and
    Streamlit's collection after each slider move scanned them again.
    """

    @functools.wraps(body)
    def settled() -> None:
        runtime.settle_script_run()
        body()

    return st.fragment(settled, run_every=run_every)


def lesson(title: str, icon: str, learn: list[str]) -> Choice:
    """A lesson's top: page setup, the sidebar picker, the title and "what you will learn"."""
    choice = page(f"{title} · Latent Lab", icon)
    st.title(f"{icon} {title}")
    st.markdown("**What you will learn**\n" + "\n".join(f"- {item}" for item in learn))
    return choice


# Each page's sections, as `sections` registered them: key -> titles. The warm-up reads it to
# run every section of a page once, not only the first.
SECTIONS: dict[str, list[str]] = {}


def sections(parts: dict[str, Callable[[], None]], key: str) -> None:
    """A lesson's parts as tabs, title -> body; only the open tab's body runs and is sent.

    Much of a new tab's time is the browser's React rendering of every element it is sent (a
    Chromium trace of Autoencoder vs VAE opening on a warm server: 2.1 s of React for its 55
    elements with all four parts on the page, 0.8 s for the 23 with one), so a page sends one
    part at a time. Picking another part is a quick rerun, and `key` keeps the choice while
    the student changes models.
    """
    SECTIONS[key] = list(parts)
    for tab, body in zip(st.tabs(list(parts), key=key, on_change="rerun"), parts.values()):
        if tab.open:
            with tab:
                body()


def notice(points: list[str]) -> None:
    """"What to notice": observations tied to the figures on screen."""
    st.success("**What to notice**\n\n" + "\n".join(f"- {p}" for p in points))


def try_this(prompts: list[str]) -> None:
    st.info("**Try this** (predict first, then check)\n\n" + "\n".join(f"- {p}" for p in prompts))


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
    paths = [path for path, *_ in LESSONS]
    i = paths.index(after)
    if i + 1 < len(LESSONS):
        path, title, icon, blurb = LESSONS[i + 1]
        st.page_link(path, label=f"Next lesson: {title} — {blurb}", icon=icon)
    else:
        st.page_link("Home.py", label="Back to the lesson map", icon="🏠")


def send_to_sliders(z: np.ndarray, source: str) -> None:
    """Carry a code to the Latent sliders lesson and go there (it loads z on arrival)."""
    st.session_state.sliders_incoming = {"z": [float(v) for v in z], "source": source}
    st.switch_page(SLIDERS_PAGE)


@contextmanager
def failsafe(what: str) -> Iterator[None]:
    """Run one part of a page; if it fails, say so there and let the rest of the page render.

    Streamlit's own stop/rerun signals derive from BaseException and pass through.
    """
    try:
        yield
    except (MnistError, WeightsError) as error:
        st.warning(f"{what.capitalize()} is unavailable: {error}")
    except Exception as error:  # noqa: BLE001 - a student sees a message, never a stack trace
        st.error(f"Something went wrong in {what} ({type(error).__name__}). The rest of the "
                 "page still works; reload to try again.")


def picture(rgb: np.ndarray, *, scale: int = 1, caption: str | None = None,
            width: int | None = None, where: Any = st) -> None:
    """Show an RGB uint8 array (H, W, 3) `scale` times larger, or `width` pixels wide.

    The PNG holds the array's own pixels; the browser enlarges it (pixelated, see `_CSS`).
    """
    where.image(png(rgb), caption=caption, width=width or rgb.shape[1] * scale)


def image(images: torch.Tensor | np.ndarray, choice: Choice, *, columns: int | None = None,
          scale: int = 3, caption: str | None = None, pad: int = 2,
          width: int | None = None, where: Any = st) -> None:
    """Show images (N, 1, 28, 28) as one crisp grid in the picked colour map."""
    grid = tile(images, columns=columns or len(images), pad=pad)
    picture(to_pixels(grid, scale=1, cmap=choice.cmap), scale=scale, caption=caption,
            width=width, where=where)


def digit_colors() -> dict[str, Any]:
    """Altair's colour encoding for digits 0-9: ten distinct categorical colours."""
    import altair as alt

    return {"color": alt.Color("digit:N", scale=alt.Scale(scheme="tableau10"),
                               legend=alt.Legend(title="digit", orient="right"))}


def on_canvas(chart: Any) -> Any:
    """An Altair chart drawn on a canvas rather than in SVG: a scatter of a thousand codes draws
    faster with no DOM node per point (Streamlit itself switches above 2,000 points)."""
    return chart.properties(usermeta={"embedOptions": {"renderer": "canvas"}})


def vae_for(choice: Choice) -> tuple[str, int, float]:
    """The VAE to compare with the picked model: the picked one, or β = 1 at the same size."""
    if choice.family == "vae" and choice.own is None:
        return choice.key
    return "vae", choice.latent, 1.0


def side_by_side(choice: Choice) -> dict[str, tuple[tuple[str, int, float], bool]]:
    """The autoencoder and the VAE at the picked latent size: name -> (zoo key, yours).

    A model the student trained takes the place of the zoo model of its own family.
    """
    pair = {"Autoencoder": (("ae", choice.latent, 0.0), False), "VAE": (vae_for(choice), False)}
    if choice.own is not None:
        pair["Autoencoder" if choice.family == "ae" else "VAE"] = (choice.key, True)
    return pair


def pair_model(choice: Choice, key: tuple[str, int, float], yours: bool) -> Autoencoder:
    """The model behind one entry of `side_by_side`."""
    return model_for(choice) if yours else load(*key)


def with_family(choice: Choice, family: str) -> Choice:
    return snap(replace(choice, family=family), zoo_options())


_CSS = """
<style>
/* Keep the pixels of upscaled digits crisp, whatever size the browser draws them at. */
[data-testid="stImage"] img { image-rendering: pixelated; }
/* A picture the browser enlarges (`picture`) shrinks to fit a narrow column, never overflows. */
[data-testid="stImageContainer"] { max-width: 100%; }
/* Chart tooltips that show a digit (Embeddings) get it at 28 x 28: draw it three times larger. */
#vg-tooltip-element img { width: 84px; height: 84px; image-rendering: pixelated; }
</style>
"""
