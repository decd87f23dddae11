"""Lesson: the KL weight beta, and the trade between reconstruction and an orderly latent space."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import ui, zoo
from core.latent import decode, sweep
from core.models import kl_per_dim, loss_terms

PAGE = "pages/3_KL_weight.py"
choice = ui.lesson("KL weight (β)", "🎚️", [
    "what each term of the VAE's loss does, and what β trades between them",
    "how to read a rate–distortion chart",
    "posterior collapse: latent dimensions the model stops using",
    "whether a large β makes dimensions easier to name (“disentangled”)",
])

st.latex(r"\mathcal{L}_\beta(x) = \underbrace{\mathrm{BCE}\big(x, \hat x\big)}_{\text{distortion: "
         r"rebuild the digit}} + \beta\,\underbrace{\mathrm{KL}\big(q(z|x)\,\|\,\mathcal{N}(0, I)"
         r"\big)}_{\text{rate: information in the code}}")
st.markdown(r"""
The KL term, in nats, is how much the code $z$ tells about this particular digit compared with
a draw from the prior. For a Gaussian posterior it has a closed form, one term per dimension $j$:
""")
st.latex(r"\mathrm{KL} = \sum_j \tfrac12\left(\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2\right)")
st.markdown("A dimension whose KL is ~0 carries no information: the encoder outputs "
            "μ = 0, σ = 1 whatever the digit, and the decoder learns to ignore it.")

with st.expander("Rules of thumb — predict each one before you open the parts below",
                 expanded=True):
    st.markdown("""
- **β = 1** is the true VAE: the loss is the negative evidence lower bound (−ELBO).
- **β > 1** buys a tidier, more prior-like latent space with worse reconstructions; fewer
  dimensions stay active. Some find the active ones easier to name (β-VAE).
- **β < 1** buys sharper reconstructions; codes drift away from N(0, I), so prior samples get worse.
- **β = 0** is an autoencoder with noise in its code: nothing holds the codes near the origin.
""")

SIZES = (2, 10)


def epochs_note(frame: pd.DataFrame) -> str:
    """Say how long each model trained: the zoo trains the β = 1 VAEs longest, so their points
    sit better than an equally trained β = 1 would; compare the other β with each other."""
    parts = [f"{size}: β = 1 for {int(group[group['β'] == 1.0].epochs.iloc[0])}, the others "
             f"for {int(group[group['β'] != 1.0].epochs.max())}"
             for size, group in frame.groupby("latent size") if (group["β"] == 1.0).any()]
    return ("Epochs of training — " + "; ".join(parts) + ". The β = 1 models trained longer "
            "than the rest of the β series, which flatters them: compare the other β with one "
            "another for a fair reading.")


x_test, labels = ui.data_or_stop()
betas = {d: ui.zoo_options().get("vae", {}).get(d, []) for d in SIZES}


@st.cache_data(show_spinner="Encoding the test digits for every β…")
def codes_by_beta(beta_values: tuple[float, ...], n: int = 800) -> pd.DataFrame:
    keep = np.random.default_rng(0).choice(len(labels), n, replace=False)
    frames = []
    for beta in beta_values:
        mu = ui.test_codes("vae", 2, beta)[keep]
        frames.append(pd.DataFrame({"z1": mu[:, 0], "z2": mu[:, 1], "digit": labels[keep],
                                    "β": f"β = {beta:g}"}))
    return pd.concat(frames)


@st.cache_data(show_spinner=False, max_entries=8)
def sweep_images(beta: float, order: tuple[int, ...], steps: int) -> np.ndarray:
    """Each dimension of the 10-D VAE swept from -3 to 3 around zeros, in `order`:
    (10 * steps, 1, 28, 28). Cached: a rerun redraws the sweep without decoding it again."""
    z = sweep(torch.zeros(10), list(order), torch.linspace(-3, 3, steps))
    return decode(zoo.load_model("vae", 10, beta), z).numpy()


def codes_for_each_beta() -> None:
    st.markdown("The same 800 test digits encoded by each 2-dimensional VAE of the β series, "
                "coloured by their label. Watch the codes crowd towards the origin as β grows.")
    with ui.failsafe("the codes for each β"):
        frame = codes_by_beta(tuple(betas[2]))
        radius = frame.assign(r=np.hypot(frame.z1, frame.z2)).groupby("β", sort=False).r.median()
        chart = alt.Chart(frame).mark_circle(size=8, opacity=0.6).encode(
            x=alt.X("z1:Q", title="z₁"), y=alt.Y("z2:Q", title="z₂"), **ui.digit_colors(),
        ).properties(width=220, height=190).facet(
            facet=alt.Facet("β:N", sort=[f"β = {b:g}" for b in betas[2]], title=None), columns=3,
        ).resolve_scale(x="independent", y="independent")
        st.altair_chart(ui.on_canvas(chart))
        st.caption("Each panel has its own axes: read the numbers. Median distance of a code from "
                   "the origin: " + ", ".join(f"{k}: {v:.1f}" for k, v in radius.items()) + ".")


def rate_distortion() -> None:
    st.markdown("Each point is one model of the zoo, measured on the 10,000 test digits: how many "
                "nats its codes carry (KL, the *rate*) and how many it loses rebuilding the digit "
                "(BCE, the *distortion*). Lower-left is better; no model gets there for free.")
    with ui.failsafe("the rate–distortion chart"):
        rd = pd.DataFrame([{"latent size": f"latent size {d}", "β": b, "label": f"β={b:g}",
                            "KL (nats)": ui.card("vae", d, b)["test"]["kl"],
                            "reconstruction BCE (nats)": ui.card("vae", d, b)["test"]["recon"],
                            "active dims": ui.card("vae", d, b)["test"]["active_dims"],
                            "epochs": ui.card("vae", d, b)["epochs_completed"]}
                           for d in SIZES for b in betas[d]])
        base = alt.Chart(rd).encode(
            x=alt.X("KL (nats):Q", scale=alt.Scale(type="log"),
                    title="KL, the rate (nats, log scale)"),
            y=alt.Y("reconstruction BCE (nats):Q", scale=alt.Scale(zero=False)),
            color=alt.Color("latent size:N"),
            tooltip=["latent size", "β", alt.Tooltip("KL (nats):Q", format=".1f"),
                     alt.Tooltip("reconstruction BCE (nats):Q", format=".1f"), "active dims",
                     "epochs"])
        st.altair_chart(base.mark_line(point=True) + base.mark_text(dx=12, dy=-8).encode(
            text="label:N"), width="stretch")
        st.caption(epochs_note(rd))
        ten = rd[rd["latent size"] == "latent size 10"].set_index("β")
        if {0.0, 8.0} <= set(ten.index):
            ui.notice([
                f"At latent size 10, β = 0 codes carry {ten.loc[0.0, 'KL (nats)']:.0f} nats and "
                f"rebuild digits at {ten.loc[0.0, 'reconstruction BCE (nats)']:.0f}; "
                f"β = 8 carries "
                f"{ten.loc[8.0, 'KL (nats)']:.0f} nats and loses "
                f"{ten.loc[8.0, 'reconstruction BCE (nats)']:.0f}.",
                "Along the equally trained β series, each step up in β moves the point up and to "
                "the left: less information, worse copies. The curve is the trade-off itself.",
            ])


def active_dimensions() -> None:
    st.markdown("The KL of each latent dimension of the 10-dimensional VAEs, averaged over the "
                "test digits. Red bars (below 0.01 nats) belong to dimensions the model has "
                "switched off: **posterior collapse**.")
    with ui.failsafe("the KL per dimension"):
        kl = pd.DataFrame([{"β": f"β = {b:g}", "dimension": j, "KL (nats)": v,
                            "state": "active" if v >= 0.01 else "collapsed (KL < 0.01)"}
                           for b in betas[10]
                           for j, v in enumerate(ui.card("vae", 10, b)["test"]["kl_per_dim"])])
        bars = alt.Chart(kl).mark_bar().encode(
            x=alt.X("dimension:O", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("KL (nats):Q"),
            color=alt.Color("state:N", scale=alt.Scale(domain=["active", "collapsed (KL < 0.01)"],
                                                       range=["#4c78a8", "#e45756"]),
                            legend=alt.Legend(title=None, orient="top")),
            tooltip=["β", "dimension", alt.Tooltip("KL (nats):Q", format=".3f")])
        st.altair_chart(bars.properties(width=250, height=140).facet(
            facet=alt.Facet("β:N", sort=[f"β = {b:g}" for b in betas[10]], title=None), columns=3,
        ).resolve_scale(y="independent"))
        st.caption("Each panel has its own vertical scale: at β = 0 a dimension carries tens "
                   "of nats, at β = 8 a fraction of one. A collapsed dimension's bar is red and "
                   "often too short to see: hover the panel for its value.")
        active = {b: ui.card("vae", 10, b)["test"]["active_dims"] for b in betas[10]}
        first = next((b for b, n in active.items() if n < 10), None)
        ui.notice(["Active dimensions out of 10: " + ", ".join(f"β = {b:g}: {n}"
                                                                for b, n in active.items()) + ".",
                   (f"Collapse starts at β = {first:g}: the dimension whose KL is worth least "
                    "is the first to be given up." if first is not None else
                    "No dimension collapsed here.")
                   + " Before a dimension collapses its KL shrinks: compare the heights of the "
                   "bars from β = 0 to β = 8."])


def sweeps() -> None:
    st.markdown("The 10-dimensional VAEs with β = 1 and β = 4. Start from the code of the "
                "average digit (zeros), move one dimension from −3 to 3 and decode. Rows are "
                "dimensions, sorted by their KL (most used first).")
    steps = st.slider("Steps per dimension", 5, 11, 9, 2, key="kl_steps")
    for column, beta in zip(st.columns(2), (1.0, 4.0)):
        with column, ui.failsafe(f"the sweep at β = {beta:g}"):
            per_dim = np.array(ui.card("vae", 10, beta)["test"]["kl_per_dim"])
            order = [int(j) for j in np.argsort(-per_dim)]
            images = sweep_images(beta, tuple(order), steps)
            st.subheader(f"β = {beta:g}")
            st.caption(f"trained for {ui.card('vae', 10, beta)['epochs_completed']} epochs")
            ui.image(images, choice, columns=steps, scale=2, pad=1)
            st.caption("Rows, top to bottom — dimension (KL in nats): " + ", ".join(
                f"{j} ({per_dim[j]:.2f})" for j in order))


st.markdown("The lesson has four parts; pick one in the tabs below.")
ui.sections({"1 · The codes for each β": codes_for_each_beta,
             "2 · Rate against distortion": rate_distortion,
             "3 · Which dimensions stay active": active_dimensions,
             "4 · Sweeping each dimension": sweeps}, key="kl_section")

ui.try_this([
    "For β = 4, name what each of the top rows changes (width? slant? which digit?). Then try "
    "the same for β = 1. Which was easier — and do the collapsed rows change anything at all?",
    "Predict where β = 0.5 and β = 2 land on the rate–distortion chart before hovering them.",
])
ui.show_code(loss_terms, kl_per_dim, sweep)
ui.next_lesson(PAGE)
