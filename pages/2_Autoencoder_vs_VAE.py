"""Lesson: the same network with two bottlenecks, and why only the VAE is a generator."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import ui, zoo
from core.latent import decode, encode_mu, interpolate
from core.quality import fitted_gaussian_samples, judge, prior_samples

PAGE = "pages/2_Autoencoder_vs_VAE.py"
N_JUDGED = 1000
choice = ui.lesson("Autoencoder vs VAE", "⚖️", [
    "the one difference between the two models: a point code or a cloud of codes",
    "why an autoencoder's latent space has holes, and how the KL term fills them",
    "how to check a generator with numbers: a classifier's verdict on random samples",
    "what a larger latent size buys each model",
])

st.markdown("Both models use the same convolutional encoder and decoder. Only the bottleneck "
            "differs:")
left, right = st.columns(2)
left.markdown("**Autoencoder** — one code per image, trained on reconstruction alone:")
left.latex(r"z = \mu(x), \qquad \mathcal{L} = \mathrm{BCE}(x, \mathrm{dec}(z))")
right.markdown("**VAE** — a Gaussian cloud of codes per image, pulled towards N(0, I):")
right.latex(r"z = \mu(x) + \sigma(x)\,\varepsilon,\quad \varepsilon \sim \mathcal{N}(0, I)")
right.latex(r"\mathcal{L} = \mathrm{BCE}(x, \mathrm{dec}(z)) + "
            r"\mathrm{KL}\big(q(z|x)\,\|\,\mathcal{N}(0, I)\big)")
st.markdown("The KL term is what makes the VAE a *generator*: after training, a code drawn from "
            "N(0, I) lands where the decoder has learned to draw digits.")

x_test, labels = ui.data_or_stop()


@st.cache_data(show_spinner="Encoding the test digits…", max_entries=8)
def scatter_frame(kind: str, beta: float, n: int = 1500) -> pd.DataFrame:
    mu = ui.test_codes(kind, 2, beta)
    keep = np.random.default_rng(0).choice(len(mu), n, replace=False)
    return pd.DataFrame({"z1": mu[keep, 0], "z2": mu[keep, 1], "digit": labels[keep],
                         "index": keep})


def codes_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    return ui.on_canvas(alt.Chart(frame, title=title).mark_circle(size=12, opacity=0.6).encode(
        x=alt.X("z1:Q", title="z₁"), y=alt.Y("z2:Q", title="z₂"),
        tooltip=["digit:N", "index:Q"], **ui.digit_colors(),
    ).properties(height=330))


def where_codes_land() -> None:
    st.markdown("With two latent numbers every code is a point on a plane. 1,500 test digits, "
                "coloured by their label (latent size 2, whatever the sidebar says):")
    with ui.failsafe("the code scatter plots"):
        frames = {"ae": scatter_frame("ae", 0.0), "vae": scatter_frame("vae", 1.0)}
        c1, c2 = st.columns(2)
        c1.altair_chart(codes_chart(frames["ae"], "Autoencoder codes"), width="stretch")
        c2.altair_chart(codes_chart(frames["vae"], "VAE codes (β = 1)"), width="stretch")
        spread = {k: f[["z1", "z2"]].to_numpy() for k, f in frames.items()}
        inside = {k: float((np.linalg.norm(v, axis=1) <= 2.45).mean())
                  for k, v in spread.items()}
        ae, vae = spread["ae"][:, 0], spread["vae"][:, 0]
        ui.notice([
            f"Look at the axes. The autoencoder's codes span z₁ from {ae.min():.1f} to "
            f"{ae.max():.1f}; the VAE's from {vae.min():.1f} to {vae.max():.1f}. Nothing told "
            "the autoencoder where to put its codes.",
            f"A sample from N(0, I) falls within radius 2.45 of the origin 95 % of the time. "
            f"{inside['vae']:.0%} of the VAE's codes lie there, and {inside['ae']:.0%} of the "
            "autoencoder's.",
            "The VAE packs the digits into one round, gap-free blob; the autoencoder leaves "
            "empty space between its clusters — holes where the decoder never learned anything.",
        ])


@st.cache_data(show_spinner="Decoding and judging random codes…", max_entries=16)
def verdict(kind: str, latent: int, beta: float, source: str, seed: int):
    """Decode N_JUDGED random codes; the classifier's verdict and the first 40 images."""
    model = zoo.load_model(kind, latent, beta)
    if source == "prior":
        z = prior_samples(latent, N_JUDGED, seed)
    else:  # a Gaussian fitted to the autoencoder's codes of the test digits
        z = fitted_gaussian_samples(torch.from_numpy(ui.test_codes(kind, latent, beta)),
                                    N_JUDGED, seed)
    images = decode(model, z)
    return judge(zoo.load_classifier(), images), images[:40].numpy()


def random_codes() -> None:
    st.markdown(f"Draw {N_JUDGED:,} codes z ~ N(0, I), decode them, and ask the zoo's digit "
                "classifier (99 % accurate on real test digits) what each one shows. A sample "
                "that the classifier recognises with ≥ 90 % confidence *looks like a digit*. "
                f"Latent size {choice.latent}, the sidebar's.")
    seed = st.columns([1, 3])[0].number_input("Sample seed", 0, 10_000, 0, key="avv_seed")
    vae_key = ui.vae_for(choice)
    runs = [("Autoencoder, z ~ N(0, I)", ("ae", choice.latent, 0.0), "prior"),
            ("Autoencoder, z ~ Gaussian fitted to its codes", ("ae", choice.latent, 0.0),
             "fitted"),
            (f"VAE (β = {vae_key[2]:g}), z ~ N(0, I)", vae_key, "prior")]
    found = {}
    for column, (title, key, source) in zip(st.columns(3), runs):
        with column, ui.failsafe(title):
            result, images = verdict(*key, source, int(seed))
            found[source + key[0]] = result["confident_fraction"]
            st.markdown(f"**{title}**")
            st.metric("look like a digit", f"{result['confident_fraction']:.0%}")
            ui.image(images, choice, columns=8, scale=2, pad=1)
            hist = pd.DataFrame({"digit": range(10), "samples": result["label_histogram"]})
            st.altair_chart(alt.Chart(hist).mark_bar().encode(
                x=alt.X("digit:O", axis=alt.Axis(labelAngle=0)), y="samples:Q",
            ).properties(height=170), width="stretch")
            st.caption(f"Entropy of the labels: {result['label_entropy_bits']:.2f} bits "
                       "(3.32 if all ten digits came out equally often).")
    if len(found) == 3:
        ui.notice([
            f"{found['priorvae']:.0%} of the VAE's samples look like a digit, against "
            f"{found['priorae']:.0%} of the autoencoder's: most N(0, I) codes miss the "
            "autoencoder's clusters and decode to smudges.",
            f"Fitting a Gaussian to the autoencoder's codes, as an AE notebook would, gives "
            f"{found['fittedae']:.0%}: better aimed, but the holes between the clusters remain.",
        ])


@st.cache_data(show_spinner=False, max_entries=32)
def walk(kind: str, latent: int, beta: float, first: int, second: int,
         steps: int) -> tuple[np.ndarray, float]:
    """Decoded steps (steps, 1, 28, 28) from test digit `first` to `second`, and the fraction
    the classifier recognises. Cached: a page rerun redraws the walk without recomputing it."""
    model = zoo.load_model(kind, latent, beta)
    mu = encode_mu(model, x_test[[first, second]])
    images = decode(model, interpolate(mu[0], mu[1], steps))
    return images.numpy(), judge(zoo.load_classifier(), images)["confident_fraction"]


def walks() -> None:
    st.markdown("Encode two test digits, walk in a straight line between their codes, decode "
                "every step. A smooth latent space gives a smooth walk; a walk through a hole "
                "passes through shapes that are no digit at all.")
    a, b, s = st.columns(3)
    first = a.number_input("First test digit (index)", 0, len(x_test) - 1, 3, key="avv_a")
    second = b.number_input("Second test digit (index)", 0, len(x_test) - 1, 2, key="avv_b")
    steps = s.slider("Steps", 5, 16, 10, key="avv_steps")
    vae_key = ui.vae_for(choice)
    for title, key in (("Autoencoder", ("ae", choice.latent, 0.0)),
                       (f"VAE (β = {vae_key[2]:g})", vae_key)):
        with ui.failsafe(f"the {title} walk"):
            images, probability = walk(*key, int(first), int(second), steps)
            ui.image(images, choice, scale=3,
                     caption=f"{title}: {probability:.0%} of the steps look like a digit")


@st.cache_data(show_spinner=False, max_entries=4)
def by_latent_size(family: str, sizes: tuple[int, ...]) -> np.ndarray:
    """The first eight test digits, then their reconstruction by the zoo model of each latent
    size: (8 * (1 + len(sizes)), 1, 28, 28)."""
    x = x_test[:8]
    models = [zoo.load_model(family, d, 0.0 if family == "ae" else 1.0) for d in sizes]
    return torch.cat([x] + [decode(model, encode_mu(model, x)) for model in models]).numpy()


def latent_sizes() -> None:
    st.markdown("The same eight test digits rebuilt by each model of the zoo, one row per "
                "latent size; the chart gives the mean reconstruction error over all 10,000 "
                "test digits.")
    family = st.radio("Family", ["ae", "vae"], format_func={"ae": "Autoencoder",
                      "vae": "VAE (β = 1)"}.get, horizontal=True, key="avv_family")
    sizes = [d for d, betas in ui.zoo_options().get(family, {}).items()
             if family == "ae" or 1.0 in betas]
    with ui.failsafe("the latent-size comparison"):
        ui.image(by_latent_size(family, tuple(sizes)), choice, columns=8, scale=2,
                 caption="Top row: the originals. Then latent size " + ", ".join(map(str, sizes)))
        frame = pd.DataFrame([{"latent size": d, "model": name, "test reconstruction (nats)":
                               ui.card(kind, d, 0.0 if kind == "ae" else 1.0)["test"]["recon"]}
                              for kind, name in (("ae", "Autoencoder"), ("vae", "VAE (β = 1)"))
                              for d in ui.zoo_options().get(kind, {})])
        st.altair_chart(alt.Chart(frame).mark_line(point=True).encode(
            x=alt.X("latent size:Q", scale=alt.Scale(type="log", base=2),
                    axis=alt.Axis(values=sizes)),
            y="test reconstruction (nats):Q", color="model:N",
            tooltip=["model", "latent size",
                     alt.Tooltip("test reconstruction (nats):Q", format=".1f")],
        ).properties(height=260), width="stretch")
        table = frame.pivot(index="latent size", columns="model",
                            values="test reconstruction (nats)")
        ui.notice([
            f"From latent size {sizes[0]} to {sizes[-1]} the autoencoder's error falls from "
            f"{table['Autoencoder'].iloc[0]:.0f} to {table['Autoencoder'].iloc[-1]:.0f} nats; "
            f"the VAE's only from {table['VAE (β = 1)'].iloc[0]:.0f} to "
            f"{table['VAE (β = 1)'].iloc[-1]:.0f}.",
            "The VAE pays for every extra nat of information in its code with KL, so it stops "
            "using dimensions it does not need (see the model card's active dimensions).",
        ])


st.markdown("The lesson has four parts; pick one in the tabs below.")
ui.sections({"1 · Where the test digits land": where_codes_land,
             "2 · Random codes, decoded": random_codes,
             "3 · Walk from one digit to another": walks,
             "4 · What a larger latent size buys": latent_sizes}, key="avv_section")

ui.try_this([
    "Predict: at latent size 2, will the autoencoder's random samples look more or less like "
    "digits than at latent size 32? Switch the sidebar and read the verdicts (part 2).",
    "Walk from a 1 to an 8 (try indices 2 and 61, part 3). Where does the autoencoder's walk "
    "stop looking like a digit?",
])
ui.show_code(interpolate, prior_samples, fitted_gaussian_samples, judge)
ui.next_lesson(PAGE)
