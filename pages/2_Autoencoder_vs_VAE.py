"""Lesson: the same network with two bottlenecks, and why only the VAE is a generator."""

import streamlit as st

from core import describe, zoo
from core.app import charts, experiments, layout, selection
from core.claims import a_digit
from core.latent import interpolate
from core.lessons import compare
from core.quality import fitted_gaussian_samples, judge, prior_samples
from core.reference import ModelRef

PAGE = "pages/2_Autoencoder_vs_VAE.py"
N_JUDGED = 1000
ref = layout.lesson("Autoencoder vs VAE", "⚖️", [
    "the one difference between the two models: a point code or a cloud of codes",
    "why an autoencoder's latent space can have holes, and how the KL term fills them",
    "how to check a generator with numbers: a classifier's verdict on random samples",
    "what a larger latent size buys each model",
], terms=["prior", "posterior", "KL", "reparameterisation", "latent size", "mean code", "active dimension"])

st.markdown("Both models are the same kind of convolutional encoder and decoder; only the "
            "bottleneck differs:")
left, right = st.columns(2)
left.markdown("**Autoencoder** — one code per image, trained on reconstruction alone:")
left.latex(r"z = \mu(x), \qquad \mathcal{L} = \mathrm{BCE}(x, \mathrm{dec}(z))")
right.markdown("**VAE** — a Gaussian cloud of codes per image, pulled towards N(0, I):")
right.latex(r"z = \mu(x) + \sigma(x)\,\varepsilon,\quad \varepsilon \sim \mathcal{N}(0, I)")
right.latex(r"\mathcal{L} = \mathrm{BCE}(x, \mathrm{dec}(z)) + "
            r"\mathrm{KL}\big(q(z|x)\,\|\,\mathcal{N}(0, I)\big)")
st.markdown("The KL term is what should make the VAE a *generator*: after training, a code drawn "
            "from N(0, I) lands where the decoder has learned to draw digits. The parts below "
            "check that prediction with numbers.")
pair = selection.pair(ref)
with layout.part("how these models trained"):
    layout.trained_alike(pair, "the bottleneck")


def where_codes_land() -> None:
    shown = pair if ref.latent == 2 else selection.pair(ModelRef("vae", 2, 1.0))
    st.markdown("With two latent numbers every code is a point on a plane. 1,500 test digits, "
                "coloured by their label, at latent size 2 (the sidebar's model when it has "
                "latent size 2, else the zoo's pair):")
    frames = {name: charts.code_frame(selection.codes(key), selection.test_set()[1], 1500)
              for name, key in shown.items()}
    for column, (name, frame) in zip(st.columns(2), frames.items()):
        charts.show(charts.digit_scatter(frame, "z0", "z1", title=f"Codes: {shown[name].label}"),
                    alt_text=f"Scatter plot of the codes of {len(frame):,} test digits by "
                    f"{shown[name].label}: z0 across, z1 up, each digit's points in its colour "
                    "with the digit written at their median", where=column,
                    data=charts.digit_centres(frame, "z0", "z1"), data_title="Each digit's points in numbers: count, median and spread")
    claims = compare.spread_claims(*(f[["z0", "z1"]].to_numpy() for f in frames.values()))
    layout.notice([c.text for c in claims] + [
        "Look for empty space between the clusters in each plot: a decoder never learned "
        "anything there. Part 2 decodes random codes to see what lives in it."])


def random_codes() -> None:
    st.markdown(f"Draw {N_JUDGED:,} random codes, decode them, and ask the zoo's digit "
                "classifier (99 % accurate on real test digits) what each one shows. A sample "
                "that the classifier recognises with ≥ 90 % confidence *looks like a digit*. "
                f"Latent size {ref.latent}, the sidebar's.")
    seed = int(st.columns([1, 3])[0].number_input("Sample seed", 0, 10_000, 0, key="avv_seed",
                                                  persist_state="session"))
    runs = {"ae_prior": ("Autoencoder, z ~ N(0, I)", pair["Autoencoder"], "prior"),
            "ae_fitted": ("Autoencoder, z ~ Gaussian fitted to its codes", pair["Autoencoder"],
                          "fitted"),
            "vae_prior": (f"VAE, z ~ N(0, I) ({pair['VAE'].label})", pair["VAE"], "prior")}
    found = {}
    for column, (run, (title, key, source)) in zip(st.columns(3), runs.items()):
        with column, layout.part(title):
            found[run] = v = experiments.measured(compare.random_codes, [key], data=True,
                                                  source=source, n=N_JUDGED, seed=seed)
            charts.verdict(v, title)
    if len(found) == 3:
        layout.notice([c.text for c in compare.sample_claims(**found)])


def walks() -> None:
    st.markdown("Encode two test digits, walk in a straight line between their codes, decode "
                "every step. A smooth latent space gives a smooth walk; a walk through a hole "
                "passes through shapes that are no digit at all.")
    a, b, s = st.columns(3)
    n_test = len(selection.test_set()[0])
    first = int(a.number_input("First test digit (index)", 0, n_test - 1, 3, key="avv_a",
                               persist_state="session"))
    second = int(b.number_input("Second test digit (index)", 0, n_test - 1, 2, key="avv_b",
                                persist_state="session"))
    steps = s.slider("Steps", 5, 16, 10, key="avv_steps", persist_state="session")
    for name, key in pair.items():
        with layout.part(f"the {name} walk"):
            images, share = experiments.measured(compare.walk, [key], data=True, first=first,
                                                 second=second, steps=steps)
            labels = selection.test_set()[1]
            charts.image(images, scale=3, caption=f"{name} ({key.label}): {share:.0%} of the "
                         "steps look like a digit", read=True,
                         alt=f"The {name.lower()}'s walk in {steps} steps from test digit "
                             f"#{first} ({a_digit(int(labels[first]))}) to #{second} "
                             f"({a_digit(int(labels[second]))})")


def latent_sizes() -> None:
    st.markdown("The same eight test digits rebuilt from their mean codes by each model of the "
                "zoo, one row per latent size; the chart gives the mean reconstruction error "
                "over all 10,000 test digits, decoding the mean code for both families.")
    family = st.radio("Family", ["ae", "vae"], format_func={"ae": "Autoencoder",
                      "vae": "VAE (β = 1)"}.get, horizontal=True, key="avv_family",
                      persist_state="session")
    cards = selection.cards_by_size()
    sizes = sorted(cards[family])
    refs = [ModelRef(family, d, 1.0) for d in sizes]
    first = selection.test_set()[1][:8]
    charts.image(experiments.measured(compare.rows_by_size, refs, data=True), columns=8, scale=2,
                 caption="Top row: the originals. Then latent size " + ", ".join(map(str, sizes)),
                 alt=describe.grid(1 + len(sizes), 8, "digits") + ": the first row holds "
                 + describe.digits(8, "test digits", first) + "; each row below holds their "
                 "reconstructions by the zoo's " + {"ae": "autoencoder", "vae": "VAE"}[family]
                 + " at latent size " + describe.listing(sizes) + ", in that order")
    sizes_frame = compare.size_frame(cards)
    charts.show(charts.lines(sizes_frame, "latent size", compare.SIZE_Y, "family", log_x=True),
                alt_text=f"Line chart: {compare.SIZE_Y} against the latent size (log scale), "
                "one line per family", data=sizes_frame)
    st.caption(zoo.PROTOCOL)
    layout.notice([c.text for c in compare.size_claims(cards["ae"], cards["vae"])])


layout.sections({"1 · Where the test digits land": where_codes_land,
                 "2 · Random codes, decoded": random_codes,
                 "3 · Walk from one digit to another": walks,
                 "4 · What a larger latent size buys": latent_sizes}, key="avv_section")

layout.try_this([
    "Predict: at latent size 2, will the autoencoder's random samples look more or less like "
    "digits than at latent size 32? Switch the sidebar and read the verdicts (part 2).",
    "Walk from a 1 to an 8 (try indices 2 and 61, part 3). Where does the autoencoder's walk "
    "stop looking like a digit?",
])
layout.show_code(interpolate, prior_samples, fitted_gaussian_samples, judge)
layout.next_lesson(PAGE)
