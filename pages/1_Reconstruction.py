"""Lesson: what an autoencoder keeps of a digit, and how reconstruction error is measured."""

import altair as alt
import pandas as pd
import streamlit as st

from core import ui
from core.images import seeded_indices
from core.latent import binarize, reconstruct

PAGE = "pages/1_Reconstruction.py"
choice = ui.lesson("Reconstruction", "🔁", [
    "what an encoder–decoder pair does with a digit, and what it loses on the way",
    "binary cross-entropy (BCE), the reconstruction error both models are trained on",
    "why a VAE's reconstructions are blurrier than an autoencoder's",
])

st.markdown(r"""
The encoder squeezes a 28 × 28 image $x$ (784 numbers) into a code $z$ of a few numbers; the
decoder turns $z$ back into an image $\hat x$. Each pixel of $\hat x$ is read as the probability
that the pixel is ink, and the error is the binary cross-entropy summed over the 784 pixels:
""")
st.latex(r"\mathrm{BCE}(x, \hat x) = -\sum_{i=1}^{784} "
         r"\big[x_i \log \hat x_i + (1 - x_i) \log (1 - \hat x_i)\big] \quad \text{(nats)}")
st.markdown("""
It is zero only for a perfect, fully confident copy of a black-and-white image; MNIST's grey
edge pixels keep it a little above zero even then. Below, the autoencoder and the VAE of the
same latent size (pick it in the sidebar) rebuild the same test digits.
""")

x_test, labels = ui.data_or_stop()
with st.container(border=True):
    left, middle, right = st.columns([1, 1, 2])
    if "recon_seed" not in st.session_state:
        st.session_state.recon_seed = 0
    if middle.button("🎲 New sample", help="Draw other test digits (the seed goes up by one)."):
        st.session_state.recon_seed += 1
    seed = left.number_input("Seed", 0, 10_000, key="recon_seed",
                             help="The same seed always shows the same digits.")
    threshold = right.slider("Binarisation threshold", 0.05, 0.95, 0.5, 0.05,
                             help="Pixels at or above it become ink (1), the rest paper (0).")

index = seeded_indices(len(x_test), 8, int(seed))
x = x_test[index]
results = {}
columns = st.columns(2)
for column, (name, (key, yours)) in zip(columns, ui.side_by_side(choice).items()):
    with column, ui.failsafe(f"the {name} reconstruction"):
        x_hat, bce = reconstruct(ui.pair_model(choice, key, yours), x)
        results[name] = bce.numpy()
        beta = "" if key[0] == "ae" else f", β = {key[2]:g}"
        st.subheader(f"{'Your ' + name if yours else name} (latent size {key[1]}{beta})")
        ui.image(x, choice, caption="1 · original")
        ui.image(binarize(x, threshold), choice, caption=f"2 · original, binarised at {threshold:g}")
        ui.image(x_hat, choice, caption="3 · reconstruction")
        ui.image(binarize(x_hat, threshold), choice,
                 caption=f"4 · reconstruction, binarised at {threshold:g}")
        agree = (binarize(x, threshold) == binarize(x_hat, threshold)).float().mean().item()
        st.markdown(f"Mean BCE **{bce.mean():.1f}** nats per image · binarised pixels that "
                    f"match the original: **{agree:.1%}**")

if len(results) == 2:
    frame = pd.DataFrame([{"digit": f"#{i + 1} (a {labels[j]})", "model": name, "BCE": float(b)}
                          for name, bces in results.items()
                          for i, (j, b) in enumerate(zip(index, bces))])
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("digit:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset="model:N",
        y=alt.Y("BCE:Q", title="BCE (nats)"),
        color=alt.Color("model:N", scale=alt.Scale(range=["#4c78a8", "#f58518"])),
        tooltip=["digit", "model", alt.Tooltip("BCE:Q", format=".1f")],
    ).properties(height=300, title="Reconstruction error of each digit")
    st.altair_chart(chart, width="stretch")
    ae, vae = results["Autoencoder"], results["VAE"]
    worst = int(vae.argmax())
    ui.notice([
        f"The VAE's mean BCE is {vae.mean():.1f} nats against the autoencoder's {ae.mean():.1f}: "
        f"the autoencoder is {'better' if ae.mean() < vae.mean() else 'worse'} at copying, "
        f"on {int((ae < vae).sum())} of these 8 digits.",
        f"The hardest digit here for the VAE is #{worst + 1} (a {labels[index[worst]]}), at "
        f"{vae[worst]:.1f} nats: unusual shapes cost most.",
        "Row 3 is grey where the model is unsure; binarising (row 4) hides that doubt, which is "
        "why the two BCE figures describe row 3, not row 4.",
    ])

st.markdown("""
**Why VAE reconstructions are blurry.** The VAE's encoder gives a cloud of codes around
each digit, not a point, and the decoder must rebuild the digit from anywhere in that cloud, so
it hedges between the nearby digits and averages them into grey. The KL term keeps the clouds
wide and overlapping: that is what makes the latent space smooth enough to sample from.
""")
ui.try_this([
    "Predict which model gains more from a larger latent size, then switch the sidebar from "
    "latent size 2 to 32 and compare the mean BCE figures.",
    "Move the threshold to 0.2 and 0.8: which row changes most, the originals or the "
    "reconstructions? (Hint: which images have more grey pixels?)",
])
ui.show_code(reconstruct, binarize)
ui.next_lesson(PAGE)
