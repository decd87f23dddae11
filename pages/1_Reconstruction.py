"""Lesson: what an autoencoder keeps of a digit, and how reconstruction error is measured."""

import streamlit as st

from core import describe
from core.app import charts, experiments, layout, selection
from core.bound import bce_floor
from core.images import seeded_indices
from core.latent import binarize, reconstruct
from core.lessons import reconstruction as lesson

PAGE = "pages/1_Reconstruction.py"
ref = layout.lesson("Reconstruction", "🔁", [
    "what an encoder–decoder pair does with a digit, and what it loses on the way",
    "binary cross-entropy (BCE), the reconstruction error both models are trained on, and its floor",
    "whether a VAE's reconstructions are blurrier than an autoencoder's: a prediction you check",
], terms=["BCE", "BCE floor", "nat", "latent size", "mean code", "posterior"])

st.markdown(r"""
The encoder squeezes a 28 × 28 image $x$ (784 numbers) into a code $z$ of a few numbers; the
decoder turns $z$ back into an image $\hat x$. Each pixel of $\hat x$ is read as the probability
that the pixel is ink, and the error is the binary cross-entropy summed over the 784 pixels:
""")
# Two lines: one would run past a phone's screen, in a box a keyboard cannot scroll.
st.latex(r"\begin{aligned}\mathrm{BCE}(x, \hat x) &= -\sum_{i=1}^{784} \big[x_i \log \hat x_i \\ "
         r"&\qquad + (1 - x_i) \log (1 - \hat x_i)\big] \ \text{nats}\end{aligned}")
st.markdown(r"""
MNIST's pixels are grey, not black and white, so even a perfect copy $\hat x = x$ does not
score 0: it scores the **floor**, the entropy of the grey pixels (45.5 nats per image on
average over the 10,000 test digits). What a model loses is the part above it:
$\mathrm{BCE} = \text{floor} + \mathrm{KL}(x \,\|\, \hat x)$. Papers that report figures on
*binarised* MNIST have a floor of 0, so their numbers are not comparable with these.
Below, the autoencoder and the VAE of the same latent size (pick it in the sidebar) rebuild the
same test digits, both from the **mean code** $\mu(x)$.
""")

with st.container(border=True):
    left, middle, right = st.columns([1, 1, 2])
    if "recon_seed" not in st.session_state:
        st.session_state.recon_seed = 0
    if middle.button("🎲 New sample", key="recon_new",
                     help="Draw other test digits (the seed goes up by one)."):
        st.session_state.recon_seed += 1
        layout.focus_next("recon_result")
    seed = left.number_input("Seed", 0, 10_000, key="recon_seed", persist_state="session",
                             help="The same seed always shows the same digits.")
    threshold = right.slider("Binarisation threshold", 0.05, 0.95, 0.5, 0.05,
                             help="Pixels at or above it become ink (1), the rest paper (0).")

with layout.result("recon_result", "The reconstructions"), layout.part("the reconstructions"):
    x_test, labels = selection.test_set()
    index = seeded_indices(len(x_test), 8, int(seed))
    x, pair, models = x_test[index], selection.pair(ref), {}
    for name, key in pair.items():
        with layout.part(f"the {name.lower()}"):
            models[name] = selection.model(key)
    rebuilt = lesson.rebuild(models, x)
    for column, name in zip(st.columns(len(models) or 1), models):
        with column:
            key = pair[name]
            st.header(f"Your {name.lower()} ({key.label})" if key.is_own else key.label)
            shown = describe.digits(len(x), "test digits", labels[index])
            charts.image(x, caption="1 · original", alt=f"Row 1: {shown}")
            charts.image(binarize(x, threshold), caption=f"2 · original, binarised at {threshold:g}",
                         alt=f"Row 2: the same digits in black and white, ink where a pixel is "
                             f"at least {threshold:g}")
            charts.image(rebuilt.x_hat[name], caption="3 · reconstruction from the mean code",
                         read=True, alt=f"Row 3: the {name.lower()}'s reconstructions of the "
                                        "digits from their mean codes")
            charts.image(binarize(rebuilt.x_hat[name], threshold),
                         caption=f"4 · reconstruction, binarised at {threshold:g}",
                         alt=f"Row 4: the reconstructions in black and white, ink where a pixel "
                             f"is at least {threshold:g}")
            agree = (binarize(x, threshold) == binarize(rebuilt.x_hat[name], threshold)).float()
            st.markdown(f"Mean BCE **{rebuilt.bce[name].mean():.1f}** nats per image, "
                        f"**{rebuilt.above_floor(name).mean():.1f}** above the floor · binarised "
                        f"pixels that match the original: **{agree.mean():.1%}**")
    layout.trained_alike(pair, "the bottleneck")
    if len(models) == 2:
        digits = [f"#{i + 1} ({labels[j]})" for i, j in enumerate(index)]
        bars = {**rebuilt.bce, "floor (a perfect copy)": rebuilt.floor}
        charts.show(charts.bce_bars(bars, digits, title="Reconstruction error of each digit"),
                    alt_text=f"Bar chart: the reconstruction error (BCE, nats) of each of the "
                    f"{len(digits)} digits, one bar each for {describe.listing(list(bars))}",
                    data=charts.bce_table(bars, digits))
        layout.notice([c.text for c in lesson.pair_claims(rebuilt, labels[index])] + [
            "Row 3 is grey where the model is unsure; binarising (row 4) hides that doubt, which "
            "is why the BCE figures describe row 3, not row 4."])

st.header("Are a VAE's reconstructions blurrier? Predict, then check")
st.markdown("""
**The prediction.** A VAE's encoder gives each digit a cloud of codes, not a point, and its
decoder is trained to rebuild the digit from anywhere in that cloud; the KL term pulls the clouds
towards N(0, I), where they overlap. So the decoder should hedge between nearby digits and
average them into grey: blurrier copies, a higher BCE. Whether that is so depends on how wide
the clouds are, and it is checked here on every test digit, decoding the mean code for both.
""")
with layout.part("the check on the whole test set"):
    # measured per model, so the autoencoder is run once for every VAE it is paired with
    result = lesson.compare_on_test_set(*(experiments.measured(lesson.on_test_set, [key], data=True)
                                          for key in selection.pair(ref).values()))
    layout.notice([c.text for c in lesson.test_set_claims(result, len(selection.test_set()[0]))])

layout.try_this([
    "Predict which model gains more from a larger latent size, then switch the sidebar from "
    "latent size 2 to 32 and read the whole-test-set check again.",
    "Move the threshold to 0.2 and 0.8: which row changes most, the originals or the "
    "reconstructions? (Hint: which images have more grey pixels?)",
])
layout.show_code(reconstruct, bce_floor, lesson.on_test_set)
layout.next_lesson(PAGE)
