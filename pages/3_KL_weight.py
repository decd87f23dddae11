"""Lesson: the KL weight beta, and the trade between reconstruction and an orderly latent space."""

import numpy as np
import pandas as pd
import streamlit as st

from core import describe
from core.app import charts, experiments, layout, selection
from core.evaluate import ACTIVE_KL
from core.latent import sweep
from core.lessons import beta as lesson
from core.lessons.protocol import protocol_claim
from core.models import kl_per_dim, loss_terms
from core.reference import ModelRef

PAGE = "pages/3_KL_weight.py"
ref = layout.lesson("KL weight (β)", "🎚️", [
    "what each term of the VAE's loss does, and what β trades between them",
    "how to read a rate–distortion chart",
    "posterior collapse: latent dimensions the model stops using",
    "whether a large β makes dimensions easier to name (“disentangled”)",
], terms=["β", "KL", "ELBO", "nat", "active dimension", "posterior collapse"])

# Two lines: one would run past a phone's screen, in a box a keyboard cannot scroll.
st.latex(r"\begin{aligned}\mathcal{L}_\beta(x) = {}& \underbrace{\mathrm{BCE}\big(x, \hat x\big)}_"
         r"{\text{distortion: rebuild the digit}} \\ &+ \beta\,\underbrace{\mathrm{KL}\big(q(z|x)"
         r"\,\|\,\mathcal{N}(0, I)\big)}_{\text{rate: information in the code}}\end{aligned}")
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
- **β > 1** should buy a tidier, more prior-like latent space with worse reconstructions, and
  fewer active dimensions. Some find the active ones easier to name (β-VAE).
- **β < 1** should buy sharper reconstructions, with codes that drift away from N(0, I).
- **β = 0** is an autoencoder with noise in its code: nothing holds the codes near the origin.
""")

SIZES = (2, 10)
betas = {d: selection.zoo_options().get("vae", {}).get(d, []) for d in SIZES}
series = {d: {b: ModelRef("vae", d, b) for b in betas[d]} for d in SIZES}
if ref.is_own and ref.kind == "vae" and ref.latent in SIZES:  # the student's model joins in
    series[ref.latent][ref.beta] = ref
    st.info(f"Your model takes the place of the zoo's β = {ref.beta:g} at latent size "
            f"{ref.latent} in parts 1–3 (it trained differently: part 2 says how).")
cards = {d: {b: selection.card(r) for b, r in sorted(series[d].items())} for d in SIZES}


def codes_for_each_beta() -> None:
    st.markdown("The same 800 test digits encoded by each 2-dimensional VAE of the β series, "
                "coloured by their label. Each panel has its own axes: read the numbers.")
    labels = selection.test_set()[1]
    codes = {b: selection.codes(r) for b, r in sorted(series[2].items())}
    frame = pd.concat([charts.code_frame(mu, labels, 800).assign(β=f"β = {b:g}")
                       for b, mu in codes.items()])
    charts.show(charts.faceted_codes(frame, "β", [f"β = {b:g}" for b in codes]), width=None,
                alt_text=f"{len(codes)} scatter plots, one per β ({describe.listing(list(frame.β.unique()))}"
                "), each of the codes of 800 test digits: z0 across, z1 up, each digit's points "
                "in its colour with the digit written at their median; each panel has its own axes",
                data=charts.digit_centres(frame, "z0", "z1", by=("β",)),
                data_title="Each digit's points, for each β, in numbers: count, median and spread")
    layout.notice([c.text for c in lesson.norm_claims(lesson.median_norms(codes))])


def rate_distortion() -> None:
    st.markdown("Each point is one model, measured on the 10,000 test digits: how many nats its "
                "codes carry (KL, the *rate*) and how many it loses rebuilding the digit (BCE, "
                "the *distortion*). Lower-left is better; no model gets there for free.")
    rd = lesson.rd_frame(cards)
    charts.show(charts.rate_distortion(rd), data=rd.drop(columns=["label"], errors="ignore"),
                alt_text="Line chart: for each VAE of the β series, the reconstruction BCE "
                "(nats) against the KL (nats, log scale), one line per latent size, each point "
                "labelled with its β")
    claims = [protocol_claim({f"latent size {d}, β = {b:g}": c for d in SIZES
                              for b, c in cards[d].items()}, "β, within each latent size")]
    for d in SIZES:
        claims += lesson.rd_claims(cards[d], d)
    layout.notice([c.text for c in claims])


def active_dimensions() -> None:
    st.markdown(f"The KL of each latent dimension of the 10-dimensional VAEs, averaged over the "
                f"test digits, beside how much ink it moves when swept from −3 to 3. A dimension "
                f"at or below {ACTIVE_KL:g} nats counts as switched off: **posterior collapse**.")
    moved = {b: experiments.measured(lesson.sweep_dims, [r], order=tuple(range(10)), steps=9)[1]
             for b, r in series[10].items()}
    kl_ink = lesson.kl_ink_frame(cards[10], moved)
    charts.show(charts.kl_against_ink(kl_ink, ACTIVE_KL), data=kl_ink, digits=3,
                alt_text="Scatter plot: one point per latent dimension of each 10-dimensional VAE, "
                "its KL (nats) across against the ink its sweep moves (pixels) up; active and "
                "collapsed dimensions in two colours and two shapes, the threshold as a dashed "
                "line")
    st.caption("One point per dimension of each model (hover for its β); the dashed line is "
               f"the {ACTIVE_KL:g}-nat threshold the model cards use.")
    layout.notice([c.text for c in lesson.active_claims(cards[10], moved)])


def sweeps() -> None:
    st.markdown("The 10-dimensional VAEs with β = 1 and β = 4. Start from the code of the "
                "average digit (zeros), move one dimension from −3 to 3 and decode. Rows are "
                "dimensions, sorted by their KL (most used first).")
    steps = st.slider("Steps per dimension", 5, 11, 9, 2, key="kl_steps", persist_state="session")
    for column, b in zip(st.columns(2), (1.0, 4.0)):
        with column, layout.part(f"the sweep at β = {b:g}"):
            kl = np.array(cards[10][b].test.kl_per_dim)
            order = tuple(int(j) for j in np.argsort(-kl))
            images, moved = experiments.measured(lesson.sweep_dims, [ModelRef("vae", 10, b)],
                                                 order=order, steps=steps)
            st.header(f"β = {b:g}")
            charts.image(images, columns=steps, scale=2, pad=1,
                         alt=describe.grid(len(order), steps, "digits") + f" decoded by the VAE "
                         f"with β = {b:g}: row by row, dimension " + describe.listing(order)
                         + " swept from −3 to 3 (left to right), the others held at 0")
            st.caption("Rows, top to bottom — dimension (KL in nats, ink moved in pixels): "
                       + ", ".join(f"{j} ({kl[j]:.2f}, {m:.0f})" for j, m in zip(order, moved)))


layout.sections({"1 · The codes for each β": codes_for_each_beta,
                 "2 · Rate against distortion": rate_distortion,
                 "3 · Which dimensions stay active": active_dimensions,
                 "4 · Sweeping each dimension": sweeps}, key="kl_section")

layout.try_this([
    "For β = 4, name what each of the top rows changes (width? slant? which digit?). Then try "
    "the same for β = 1. Which was easier — and do the collapsed rows change anything at all?",
    "Predict where β = 0.5 and β = 2 land on the rate–distortion chart before hovering them.",
])
layout.show_code(loss_terms, kl_per_dim, sweep)
layout.next_lesson(PAGE)
