"""Lesson: draw a digit (or upload one), make it an MNIST digit, and see what the models make of it."""

import pandas as pd
import streamlit as st
import torch

from core.app import charts, digit_input, layout, maps, selection
from core.claims import a_digit
from core.classifier import predict_proba
from core.digitize import DigitError, digitize
from core.images import seeded_indices, to_pixels
from core.latent import decode, posterior, posterior_samples, reconstruct, sigma_ellipse
from core.lessons import draw as lesson
from core.lessons.draw import N_SAMPLES
from core.reference import ModelRef

PAGE = "pages/10_Draw_your_digit.py"
ref = layout.lesson("Draw your own digit", "✏️", [
    "how MNIST digits were made, by making one yourself",
    "that a VAE encodes a digit to a whole distribution q(z|x), not one point",
    "the reparameterisation trick, z = μ + σ·ε, as a cloud of codes you can decode",
], terms=["posterior", "prior", "reparameterisation", "BCE"])
st.markdown(r"""
The models only ever saw MNIST digits, so your drawing must first become one. MNIST's digits
were **size-normalised into a 20 × 20 box**, keeping their aspect ratio, and **centred by their
centre of mass** in a 28 × 28 image, light ink on black. The steps below do the same.
""")

source = st.radio("Your digit", digit_input.SOURCES, horizontal=True, key="draw_source",
                  persist_state="session")
steps = None
with st.container(border=True), layout.part("your digit"):
    raw, notes, light_ink = digit_input.your_digit(source, ref)
    if raw is not None:
        try:
            steps = digitize(raw, notes, light_ink=light_ink)
        except DigitError as error:
            raise layout.Advice(str(error)) from None

if steps is not None:
    st.header("1 · From your picture to an MNIST digit")
    for note in steps.notes:
        st.caption(note)
    captions = ["1 · grey scale", f"2 · {'inverted: ' if steps.inverted else ''}light ink on black",
                f"3 · cropped to the ink ({steps.cropped.shape[1]} × {steps.cropped.shape[0]})",
                f"4 · into 20 × 20 ({steps.boxed.shape[1]} × {steps.boxed.shape[0]})",
                "5 · 28 × 28, centred by mass"]
    for column, image, caption in zip(st.columns(5), [steps.grey, steps.ink, steps.cropped,
                                                      steps.boxed, steps.x[0, 0]], captions):
        charts.picture(to_pixels(image, scale=1, cmap="grey" if image is steps.grey
                                 else selection.cmap()), width=140, caption=caption, where=column,
                       alt=f"Step {caption}")

with layout.part("what the models make of it"):
    if steps is None:
        raise layout.Nothing("Your digit's reconstructions and codes appear here.")
    x, pair = torch.from_numpy(steps.x), selection.pair(ref)
    st.header("2 · Reconstructions, and what a classifier reads")
    classifier = selection.classifier_if_any("its readings of your digit are")
    read: dict[str, int] = {}
    columns = st.columns(3)
    for column, (name, key) in zip(columns, [("your digit", None), *pair.items()]):
        with column, layout.part(f"the {name} reconstruction" if key else name):
            x_hat, caption = x, "your digit"
            if key is not None:
                x_hat, bce = reconstruct(selection.model(key), x)
                caption = f"{key.label} · BCE {float(bce[0]):.0f} nats"
            if classifier is not None:
                q = predict_proba(classifier, x_hat)[0]
                read[name] = int(q.argmax())
                caption += f" · classifier: {int(q.argmax())} ({float(q.max()):.0%})"
            charts.image(x_hat, scale=6, width=200, caption=caption,
                         alt=(f"The {name} reconstruction of your digit by {key.label}" if key
                              else "Your digit at 28 × 28") + (
                              f"; the digit classifier reads it as {a_digit(read[name])}"
                              if name in read else ""))

    layout.trained_alike(pair, "the bottleneck")
    st.header("3 · The VAE's posterior q(z | x)")
    vae_key = pair["VAE"]
    vae = selection.model(vae_key)
    mu, sigma = (v[0] for v in posterior(vae, x))
    st.markdown(f"The encoder of the VAE ({vae_key.label}) does not return one code but a "
                r"Gaussian: a mean $\mu$ and a standard deviation $\sigma$ for each latent "
                r"dimension. The prior is $\mathcal N(0, 1)$ in every dimension (grey band: ±1).")
    charts.show(charts.posterior_bars(mu.numpy(), sigma.numpy()),
                data=pd.DataFrame({"dimension": [f"z{j}" for j in range(len(mu))],
                                   "μ": mu.numpy(), "σ": sigma.numpy()}), digits=3,
                alt_text=f"Chart of the posterior of your digit in each of the {len(mu)} latent "
                "dimensions: its mean μ as a dot and μ ± σ as a bar, over the prior's band from "
                "−1 to 1")
    st.caption(f"σ close to 1 means the dimension says nothing about your digit (the posterior "
               f"equals the prior); mean σ = {float(sigma.mean()):.2f}.")

    st.subheader("The reparameterisation trick: z = μ + σ·ε, with ε ~ N(0, I)")
    seed = int(st.number_input("Seed of ε", 0, 10_000, 0, key="draw_seed", persist_state="session"))
    z = posterior_samples(mu, sigma, N_SAMPLES, seed)
    charts.image(decode(vae, z[:8]), scale=3, caption="eight codes drawn from q(z|x), decoded: "
                 "the variations the VAE considers the same digit", read=True,
                 alt="Eight codes drawn from the posterior of your digit, decoded")
    agree = (float((predict_proba(classifier, decode(vae, z)).argmax(1) == read["your digit"])
                   .float().mean()) if classifier is not None else None)
    layout.notice([c.text for c in lesson.claims(read, sigma.numpy(), agree, N_SAMPLES)])

    st.subheader("Where your digit lands among the test digits")
    # The picked VAE when it is 2-D (the student's own included), else the zoo's 2-D VAE.
    map_key = vae_key if vae.latent_dim == 2 else ModelRef("vae", 2, 1.0)
    m2, s2 = (v[0].numpy() for v in posterior(selection.model(map_key), x))
    x_all, labels_all = selection.test_set()
    keep = seeded_indices(len(x_all), 3000, 0)
    codes = selection.codes(map_key)[keep]
    frame = pd.DataFrame({"z0": codes[:, 0], "z1": codes[:, 1], "digit": labels_all[keep]})
    cloud = posterior_samples(torch.from_numpy(m2), torch.from_numpy(s2), N_SAMPLES, seed).numpy()
    rings = [sigma_ellipse(m2, s2, k) for k in (1, 2)]
    reach = 3 * float(s2.max())  # the inset spans ±3σ of the widest axis, whatever σ is
    left, right = st.columns([3, 2])
    charts.show(maps.posterior_map(frame, m2, rings, cloud, title=f"{map_key.label}: 3,000 "
                                   "test digits and your digit's μ (cross)"), where=left,
                alt_text=f"Scatter plot of the codes of 3,000 test digits by {map_key.label} "
                "(z0 across, z1 up, each digit written at the median of its points) with your "
                f"digit's μ = ({m2[0]:.2f}, {m2[1]:.2f}) as a cross",
                data=charts.digit_centres(frame, "z0", "z1"),
                data_title="Each digit's points in numbers: count, median and spread")
    charts.show(maps.posterior_map(frame, m2, rings, cloud, title="Zoomed to ±3σ: the 1σ "
                                   "and 2σ ellipses and 200 samples (black)",
                                   domain=tuple((c - reach, c + reach) for c in m2)), where=right,
                alt_text=f"The same plane zoomed to ±3σ around your digit's μ: its 1σ and 2σ "
                f"ellipses and {len(cloud)} codes drawn from the posterior as black dots")
    st.caption(f"Your digit's μ = ({m2[0]:.2f}, {m2[1]:.2f}) with σ = ({s2[0]:.3f}, {s2[1]:.3f}): "
               f"the zoomed plot is {2 * reach:.2f} wide. "
               + lesson.neighbours_claim(codes, labels_all[keep], m2).text)
    if st.button("Use this code in Latent sliders", help="Carries μ of the picked model."):
        layout.send_to_sliders(posterior(selection.model(ref), x)[0][0].numpy(), "your digit's code")

layout.try_this([
    "Draw a digit very small in a corner. Predict: does step 5 look like a normal MNIST digit? "
    "Do the reconstructions change?",
    "Draw something ambiguous, halfway between a 4 and a 9. Predict: will the ellipses be "
    "larger, and will the 200 samples split between two digits?",
])
layout.show_code(digitize, posterior_samples)
layout.next_lesson(PAGE)
