"""Lesson: draw a digit (or upload one), make it an MNIST digit, and see what the models make of it."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import torch
from streamlit_drawable_canvas import st_canvas

from core import ui, zoo
from core.classifier import predict_proba
from core.digitize import MAX_UPLOAD_BYTES, DigitError, Digitized, digitize, read_image, to_grey
from core.images import seeded_indices, to_pixels
from core.latent import decode, posterior, posterior_samples, reconstruct, sigma_ellipse

PAGE = "pages/10_Draw_your_digit.py"
CANVAS = 280  # pixels a side: ten canvas pixels per MNIST pixel
choice = ui.lesson("Draw your own digit", "✏️", [
    "how MNIST digits were made, by making one yourself",
    "that a VAE encodes a digit to a whole distribution q(z|x), not one point",
    "the reparameterisation trick, z = μ + σ·ε, as a cloud of codes you can decode",
])
st.markdown(r"""
The models only ever saw MNIST digits, so your drawing must first become one. MNIST's digits
were **size-normalised into a 20 × 20 box**, keeping their aspect ratio, and **centred by their
centre of mass** in a 28 × 28 image, light ink on black. The steps below do the same.
""")

source = st.radio("Your digit", ["Draw it", "Upload a photo", "Take a test digit"],
                  horizontal=True, key="draw_source")
raw: np.ndarray | None = None
notes: list[str] = []
with st.container(border=True):
    if source == "Draw it":
        left, right = st.columns([1, 2])
        with left:
            drawn = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000",
                              height=CANVAS, width=CANVAS, drawing_mode="freedraw",
                              return_image_data=True, key="draw_canvas")
        right.markdown("Draw one digit, 0 to 9, with the mouse (or a finger), as large as the "
                       "box. The picture updates when you lift the pen; the canvas's own "
                       "toolbar undoes a stroke or clears it.")
        image = drawn.image_data if drawn is not None else None
        if image is not None and image[..., :3].max() > 0:
            raw, notes = to_grey(np.asarray(image))
        else:
            right.info("The canvas is empty: draw a digit to begin.")
    elif source == "Upload a photo":
        upload = st.file_uploader(
            "A PNG or JPEG of one digit (dark on light paper or light on dark)",
            type=["png", "jpg", "jpeg"], key="draw_upload",
            help=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB. Crop the photo close to the digit.")
        if upload is None:
            st.info("Upload a photo of a handwritten digit to begin.")
        else:
            try:
                raw, notes = read_image(upload.getvalue())
            except DigitError as error:
                st.error(str(error))
    else:
        x_test, labels = ui.data_or_stop()
        index = int(st.number_input("Test digit (index)", 0, len(x_test) - 1, 0, key="draw_index",
                                    help="An MNIST digit through the same steps: they should "
                                         "change it very little."))
        raw = 1.0 - x_test[index, 0].numpy()  # as if written in black ink on white paper
        notes = [f"Test digit #{index}, a {labels[index]}, inverted to dark ink on light paper."]

if raw is None:
    ui.next_lesson(PAGE)
    st.stop()
try:
    steps: Digitized = digitize(raw, notes)
except DigitError as error:
    message = str(error)
    if source == "Draw it":
        message = "The canvas holds no digit yet: draw one with a few strokes."
    st.error(message)
    st.stop()

st.header("1 · From your picture to an MNIST digit")
for note in steps.notes:
    st.caption(note)
captions = ["1 · grey scale", f"2 · {'inverted: ' if steps.inverted else ''}light ink on black",
            f"3 · cropped to the ink ({steps.cropped.shape[1]} × {steps.cropped.shape[0]})",
            f"4 · into 20 × 20 ({steps.boxed.shape[1]} × {steps.boxed.shape[0]})",
            "5 · 28 × 28, centred by mass"]
images = [steps.grey, steps.ink, steps.cropped, steps.boxed, steps.x[0, 0]]
for column, picture, caption in zip(st.columns(5), images, captions):
    ui.picture(to_pixels(picture, scale=1, cmap="grey" if picture is steps.grey else choice.cmap),
               width=140, caption=caption, where=column)

x = torch.from_numpy(steps.x)
classifier = zoo.load_classifier()
model = ui.model_for(choice)
pair = ui.side_by_side(choice)
vae_key, vae_yours = pair["VAE"]
vae = ui.pair_model(choice, vae_key, vae_yours)
vae_name = "your VAE" if vae_yours else (
    f"the VAE, latent size {vae_key[1]}, β = {vae_key[2]:g}")

st.header("2 · Reconstructions, and what a classifier reads")
columns = st.columns(3)
verdicts = {}
with columns[0]:
    p = predict_proba(classifier, x)[0]
    verdicts["your digit"] = int(p.argmax())
    ui.image(x, choice, scale=6, width=200, caption=f"your digit · classifier: {int(p.argmax())} "
                                                    f"({float(p.max()):.0%})")
for column, (name, (key, yours)) in zip(columns[1:], pair.items()):
    with column, ui.failsafe(f"the {name} reconstruction"):
        x_hat, bce = reconstruct(ui.pair_model(choice, key, yours), x)
        p = predict_proba(classifier, x_hat)[0]
        verdicts[name] = int(p.argmax())
        ui.image(x_hat, choice, scale=6, width=200,
                 caption=f"{'your ' if yours else ''}{name.lower() if name != 'VAE' else name} "
                         f"(latent size {key[1]}) · BCE {float(bce[0]):.0f} nats · classifier: "
                         f"{int(p.argmax())} ({float(p.max()):.0%})")

st.header("3 · The VAE's posterior q(z | x)")
mu, sigma = posterior(vae, x)
mu, sigma = mu[0], sigma[0]
st.markdown(f"The encoder of {vae_name} does not return one code but a Gaussian: a mean "
            r"$\mu$ and a standard deviation $\sigma$ for each latent dimension. The prior is "
            r"$\mathcal N(0, 1)$ in every dimension (grey band: ±1).")
frame = pd.DataFrame({"dimension": [f"z{j}" for j in range(len(mu))], "mu": mu.numpy(),
                      "low": (mu - sigma).numpy(), "high": (mu + sigma).numpy(),
                      "sigma": sigma.numpy()})
band = alt.Chart(pd.DataFrame({"low": [-1.0], "high": [1.0]})).mark_rect(
    color="#eeeeee").encode(y="low:Q", y2="high:Q")
bars = alt.Chart(frame).mark_rule(strokeWidth=3, color="#4c78a8").encode(
    x=alt.X("dimension:N", sort=None, title="latent dimension"),
    y=alt.Y("low:Q", title="μ ± σ"), y2="high:Q",
    tooltip=["dimension", alt.Tooltip("mu:Q", format=".2f", title="μ"),
             alt.Tooltip("sigma:Q", format=".2f", title="σ")])
dots = alt.Chart(frame).mark_point(filled=True, size=60, color="#e45756").encode(
    x=alt.X("dimension:N", sort=None), y="mu:Q")
st.altair_chart((band + bars + dots).properties(height=280), width="stretch")
narrow = int((sigma < 0.5).sum())
st.caption(f"{narrow} of {len(mu)} dimensions have σ < 0.5: there the encoder is sure of your "
           f"digit's code. σ close to 1 means the dimension says nothing about it (the posterior "
           f"equals the prior); mean σ = {float(sigma.mean()):.2f}.")

st.subheader("The reparameterisation trick: z = μ + σ·ε, with ε ~ N(0, I)")
seed = int(st.number_input("Seed of ε", 0, 10_000, 0, key="draw_seed"))
z = posterior_samples(mu, sigma, 200, seed)
samples = decode(vae, z[:8])
ui.image(samples, choice, scale=3, caption="eight codes drawn from q(z|x), decoded: the "
                                           "variations the VAE considers the same digit")
agree = float((predict_proba(classifier, decode(vae, z)).argmax(1) == verdicts["your digit"]).float().mean())
st.caption(f"Of 200 decoded samples, {agree:.0%} are read as a {verdicts['your digit']} by the "
           "classifier, like your digit.")

st.subheader("Where your digit lands among the test digits")
# The picked VAE when it is 2-D (the student's own included), else the zoo's 2-D VAE.
map_yours = vae_yours and vae.latent_dim == 2
map_key = vae_key if vae.latent_dim == 2 else ("vae", 2, 1.0)
map_vae = ui.pair_model(choice, map_key, map_yours)
with ui.failsafe("the 2-D latent map"):
    x_all, labels_all = ui.test_set()
    keep = seeded_indices(len(x_all), 3000, 0)
    codes = (ui.codes_for(choice) if map_yours else ui.test_codes(*map_key))[keep]
    m2, s2 = posterior(map_vae, x)
    m2, s2 = m2[0].numpy(), s2[0].numpy()
    cloud = posterior_samples(torch.from_numpy(m2), torch.from_numpy(s2), 200, seed).numpy()
    layers = [alt.Chart(pd.DataFrame({"z0": codes[:, 0], "z1": codes[:, 1],
                                      "digit": labels_all[keep]})).mark_circle(
        size=12, opacity=0.5).encode(x="z0:Q", y="z1:Q", **ui.digit_colors())]
    layers.append(alt.Chart(pd.DataFrame(cloud, columns=["z0", "z1"])).mark_circle(
        size=10, color="black", opacity=0.5).encode(x="z0:Q", y="z1:Q"))
    for k, dash in ((1, []), (2, [4, 3])):
        ring = pd.DataFrame(sigma_ellipse(m2, s2, k), columns=["z0", "z1"]).reset_index()
        layers.append(alt.Chart(ring).mark_line(color="black", strokeDash=dash).encode(
            x="z0:Q", y="z1:Q", order="index:Q"))
    layers.append(alt.Chart(pd.DataFrame({"z0": [m2[0]], "z1": [m2[1]]})).mark_point(
        shape="cross", size=400, color="black", filled=True, stroke="white", strokeWidth=1).encode(x="z0:Q", y="z1:Q"))
    st.altair_chart(alt.layer(*layers).properties(height=460, title=(
        "2-D VAE: 3,000 test digits, your digit's μ (black cross), its 1σ and 2σ ellipses, and "
        "200 samples (black)")), width="stretch")
    near = np.bincount(labels_all[keep][np.argsort(((codes - m2) ** 2).sum(1))[:50]],
                       minlength=10)
    st.caption(f"In the 2-D VAE your digit's μ = ({m2[0]:.2f}, {m2[1]:.2f}) with σ = "
               f"({s2[0]:.2f}, {s2[1]:.2f}). Of the 50 test digits nearest to μ, {near.max()} "
               f"are {int(near.argmax())}s.")

ui.notice([
    f"The classifier reads your digit as a **{verdicts['your digit']}**; the reconstructions as "
    + ", ".join(f"**{v}** ({k})" for k, v in verdicts.items() if k != "your digit") + ". A "
    "reconstruction read as another digit means the model mapped your drawing onto the nearest "
    "digit it knows.",
    f"σ is far below 1 in {narrow} of {len(mu)} dimensions: the encoder narrows the prior down "
    "to a small region for your digit. The decoded samples vary in style, rarely in identity.",
])
ui.try_this([
    "Draw a digit very small in a corner. Predict: does step 5 look like a normal MNIST digit? "
    "Do the reconstructions change?",
    "Draw something ambiguous, halfway between a 4 and a 9. Predict: will the ellipses be "
    "larger, and will the 200 samples split between two digits?",
])
if st.button("Use this code in Latent sliders", help="Carries μ of the picked model."):
    ui.send_to_sliders(posterior(model, x)[0][0].numpy(), "your digit's code")
ui.show_code(digitize, posterior_samples)
ui.next_lesson(PAGE)
