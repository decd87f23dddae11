"""Lesson: blending pictures against walking the latent space, and latent arithmetic."""

import numpy as np
import streamlit as st
import torch

from core import ui, zoo
from core.images import labelled_grid, seeded_indices
from core.latent import decode, encode_mu, interpolate
from core.quality import judge

PAGE = "pages/9_Interpolation_and_arithmetic.py"
choice = ui.lesson("Interpolation and arithmetic", "➗", [
    "the difference between blending two pictures and walking between their codes",
    "linear against spherical interpolation (slerp), and why slerp suits a Gaussian prior",
    "latent arithmetic: A + B − C, and when it means something",
])
st.markdown(r"""
A **cross-fade** mixes the pixels, $(1-t)\,x_A + t\,x_B$: halfway, you see two faint digits on
top of each other. A **latent walk** mixes the codes, $z_t = (1-t)\,z_A + t\,z_B$, and decodes
each one: if the latent space is smooth, every step is a plausible digit on its way from A to B.
**Slerp** walks along the arc between the two codes instead of the chord, keeping the length of
$z$ typical of N(0, I) (near $\sqrt{d}$) where a straight line would cut through less likely codes.
""")

x_test, labels = ui.data_or_stop()
with st.expander("Pick two test digits from a seeded grid", expanded=False):
    seed = st.number_input("Grid seed", 0, 10_000, 0, key="interp_grid_seed")
    shown = seeded_indices(len(x_test), 24, int(seed))
    ui.picture(labelled_grid(x_test[shown], [f"#{i}" for i in shown], columns=12, scale=2,
                             cmap=choice.cmap),
               caption="Type the numbers below the digits you want into the boxes below.")
a, b, s = st.columns(3)
first = int(a.number_input("Digit A (test index)", 0, len(x_test) - 1, 1, key="interp_a"))
second = int(b.number_input("Digit B (test index)", 0, len(x_test) - 1, 0, key="interp_b"))
steps = int(s.slider("Steps", 5, 15, 9, key="interp_steps"))

x_ab = x_test[[first, second]]
rows = {"Pixels: cross-fade": interpolate(x_ab[0].flatten(), x_ab[1].flatten(), steps)
        .reshape(-1, 1, 28, 28)}
vae_key = ui.vae_for(choice)
for name, key in (("Autoencoder", ("ae", choice.latent, 0.0)),
                  (f"VAE (β = {vae_key[2]:g})", vae_key)):
    model = ui.load(*key)
    mu = encode_mu(model, x_ab)
    if key == vae_key:
        mid = {m: interpolate(mu[0], mu[1], 3, m)[1].norm().item() for m in ("linear", "slerp")}
        ends = (mu[0].norm().item(), mu[1].norm().item())
    for mode in ("linear", "slerp"):
        rows[f"{name}: {mode}"] = decode(model, interpolate(mu[0], mu[1], steps, mode))

classifier = zoo.load_classifier()
looks = {}
for title, images in rows.items():
    looks[title] = judge(classifier, images)["confident_fraction"]
    ui.picture(labelled_grid(images, [f"t = {t:.2f}" for t in np.linspace(0, 1, steps)],
                             columns=steps, scale=2, cmap=choice.cmap),
               caption=f"{title} — {looks[title]:.0%} of the steps look like a digit")
best = max(looks, key=looks.get)
ui.notice([
    f"The cross-fade: {looks['Pixels: cross-fade']:.0%} of its steps look like a digit to the "
    "classifier, yet its middle steps are two faint digits on top of each other — the "
    "classifier simply reads the stronger one. Nothing changes shape.",
    f"The best walk here is “{best}” ({looks[best]:.0%}). In a latent walk the strokes bend and "
    "move: the steps in between are new drawings, not mixtures of two.",
    f"In the VAE, the codes of A and B have lengths {ends[0]:.2f} and {ends[1]:.2f}; halfway, the "
    f"straight line's code has length {mid['linear']:.2f} and slerp's {mid['slerp']:.2f}. The "
    "larger the latent size, the more a straight line shortens in the middle.",
])

st.header("Latent arithmetic: A + B − C")
st.markdown("Encode three digits and decode $z_A + z_B - z_C$. If B and C differ in one "
            "feature only (say, a thick and a thin 1), the difference $z_B - z_C$ is that "
            "feature, and adding it to A should give A with the feature.")
c1, c2, c3 = st.columns(3)
default = seeded_indices(len(x_test), 3, 11)
ia = int(c1.number_input("A (test index)", 0, len(x_test) - 1, int(default[0]), key="arith_a"))
ib = int(c2.number_input("B (test index)", 0, len(x_test) - 1, int(default[1]), key="arith_b"))
ic = int(c3.number_input("C (test index)", 0, len(x_test) - 1, int(default[2]), key="arith_c"))
model = ui.model_for(choice)
x_abc = x_test[[ia, ib, ic]]
z = encode_mu(model, x_abc)
result = z[0] + z[1] - z[2]
images = torch.cat([x_abc, decode(model, z), decode(model, result)])
ui.picture(labelled_grid(images, ["A", "B", "C", "A rebuilt", "B rebuilt", "C rebuilt",
                                  "A + B - C"], columns=7, scale=3, cmap=choice.cmap),
           caption=f"{choice.label}; digits {labels[ia]}, {labels[ib]}, "
           f"{labels[ic]}")
verdict = judge(classifier, images[-1:])
st.caption(f"The classifier reads A + B − C as a {int(np.argmax(verdict['label_histogram']))}"
           f"{'' if verdict['confident_fraction'] else ' (with less than 90 % confidence)'}; "
           f"‖A + B − C‖ = {result.norm():.2f} against ‖A‖ = {z[0].norm():.2f}.")
if st.button("Use A + B − C in Latent sliders 🕹️"):
    ui.send_to_sliders(result.numpy(), "A + B − C")

ui.try_this([
    "Find a thick and a thin version of the same digit for B and C (use the grid), and any "
    "digit for A. Predict what A + B − C will look like, then check.",
    "Walk from a 0 to a 1 with the autoencoder and the VAE at latent size 2, then at 32. "
    "Where does the autoencoder's walk stop looking like a digit?",
])
ui.show_code(interpolate)
ui.next_lesson(PAGE)
