"""Latent Lab: learn how autoencoders and variational autoencoders work, on real trained models."""

import altair as alt
import pandas as pd
import streamlit as st

from core import ui, zoo
from core.checkpoint import WeightsError
from core.data import MnistError, load_mnist
from core.images import seeded_indices
from core.latent import reconstruct

choice = ui.page("Latent Lab", "🧪")

st.title("🧪 Latent Lab")
st.markdown(
    """
An **autoencoder** squeezes an image through a small code *z* and learns to rebuild it.
A **variational autoencoder** (VAE) makes that code a probability distribution, which turns the
decoder into a generator of new images. Latent Lab lets you take both apart on MNIST digits:
every picture on these pages is computed live by a trained model, so every claim can be checked.

It is for students meeting autoencoders for the first time (you need to know what a neural
network and a loss are), and for instructors who want a class to look at the same model together.
"""
)

st.subheader("A first taste: the same digits, rebuilt through a 10-number code")


@st.cache_data(show_spinner="Reconstructing…")
def first_taste(seed: int = 7, n: int = 8):
    """Originals and reconstructions by the autoencoder and the VAE at latent size 10."""
    x_test, labels = load_mnist("test")
    index = seeded_indices(len(x_test), n, seed)
    x = x_test[index]
    rows = {"Original": (x, None)}
    for label, kind in (("Autoencoder", "ae"), ("VAE (β = 1)", "vae")):
        rows[label] = reconstruct(zoo.load_model(kind, 10), x)
    return rows, labels[index].tolist()


try:
    rows, labels = first_taste()
except MnistError as error:
    st.warning(f"The MNIST digits are not available, so this preview is off. {error}")
except WeightsError as error:
    st.warning(f"A pretrained model could not be loaded: {error}")
else:
    for label, (images, bce) in rows.items():
        caption = label if bce is None else f"{label} — mean BCE {bce.mean():.1f} nats per image"
        ui.image(images, choice, scale=4, pad=2, caption=caption)
    errors = pd.DataFrame([{"test digit": f"{i + 1}: a {digit}", "model": label,
                            "BCE (nats)": float(value)}
                           for label, (_, bce) in rows.items() if bce is not None
                           for i, (digit, value) in enumerate(zip(labels, bce.tolist()))])
    st.altair_chart(alt.Chart(errors).mark_bar().encode(
        x=alt.X("test digit:N", sort=None, axis=alt.Axis(labelAngle=0), title=None),
        xOffset="model:N", y=alt.Y("BCE (nats):Q"),
        color=alt.Color("model:N", legend=alt.Legend(orient="right", title=None)),
        tooltip=["test digit", "model", alt.Tooltip("BCE (nats):Q", format=".1f")],
    ).properties(height=200, title="Reconstruction error of each digit (lower is closer)"),
        width="stretch")
    st.caption("BCE is the reconstruction error the models were trained to reduce, one pair of "
               "bars per digit above. Which model copies better, digit by digit? The first "
               "lesson explains why.")

st.subheader("The lessons")
st.markdown("Follow them in order; each one ends with a link to the next.")
columns = st.columns(2)
for i, (path, title, icon, blurb) in enumerate(ui.LESSONS):
    with columns[i % 2].container(border=True):
        st.page_link(path, label=f"**{i + 1}. {title}**", icon=icon)
        st.caption(blurb)

st.subheader("Choosing a model, and sharing it with a class")
st.markdown(
    """
The **sidebar** picks the model every lesson uses: the family (VAE or plain autoencoder), the
latent size, and for the VAE the KL weight β (the zoo has several β at latent sizes 2 and 10).
Your choice follows you from lesson to lesson, and the address bar always holds it.

**Instructors:** open *Share this model with a class* in the sidebar and send the link. It opens
the same model for everyone, with `&lock=1` fixing it so students cannot change it by accident.
A link such as `?family=ae&latent=2&cmap=grey` works too; anything the app does not recognise is
ignored with a short notice.
"""
)

with st.expander("The pretrained models, measured on the 10,000 test digits"):
    st.markdown(
        "−ELBO is the VAE's loss in nats per image (lower is better); *confident* is the share "
        "of 10,000 random codes that a digit classifier recognises with ≥ 90 % confidence once "
        "decoded."
    )
    try:
        st.markdown(zoo.table(zoo.available()))
    except WeightsError as error:
        st.warning(str(error))
