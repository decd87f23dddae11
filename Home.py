"""Latent Lab: learn how autoencoders and variational autoencoders work, on real trained models."""

import streamlit as st

from core import describe, zoo
from core.app import charts, course, layout, selection
from core.claims import a_digit
from core.images import seeded_indices
from core.lessons.reconstruction import Rebuilt, rebuild
from core.reference import ModelRef

ref = layout.page("Latent Lab", "🧪")

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

st.header("A first taste: the same digits, rebuilt through a 10-number code")


@st.cache_data(show_spinner="Reconstructing…")
def first_taste(seed: int = 7, n: int = 8) -> tuple[Rebuilt, list[int]]:
    """Eight test digits rebuilt from their mean codes by the zoo's autoencoder and VAE at
    latent size 10, and their labels."""
    x_test, labels = selection.test_set()
    index = seeded_indices(len(x_test), n, seed)
    models = {"Autoencoder": zoo.load_model("ae", 10), "VAE (β = 1)": zoo.load_model("vae", 10)}
    return rebuild(models, x_test[index]), labels[index].tolist()


with layout.part("the first taste"):
    rebuilt, digits = first_taste()
    charts.image(rebuilt.x, scale=4, caption="Original",
                 alt=describe.digits(len(digits), "test digits", digits))
    for name, x_hat in rebuilt.x_hat.items():
        charts.image(x_hat, scale=4, caption=f"{name} — mean BCE {rebuilt.bce[name].mean():.1f} "
                     "nats per image", read=True,
                     alt=f"The same {len(digits)} digits rebuilt by the {name} at latent size 10")
    names = [f"{i + 1}: {a_digit(d)}" for i, d in enumerate(digits)]
    charts.show(charts.bce_bars(rebuilt.bce, names, height=200,
                                title="Reconstruction error of each digit (lower is closer)"),
                alt_text=f"Bar chart: the reconstruction error (BCE, nats) of each of the "
                f"{len(digits)} digits, one bar per model: {describe.listing(list(rebuilt.bce))}",
                data=charts.bce_table(rebuilt.bce, names))
    layout.trained_alike({"Autoencoder": ModelRef("ae", 10), "VAE (β = 1)": ModelRef()},
                         "the bottleneck")
    st.caption("BCE is the reconstruction error the models were trained to reduce, one pair of "
               "bars per digit above, both decoding the mean code. Which model copies better, "
               "digit by digit? The first lesson measures it on every test digit.")

st.header("The lessons")
st.markdown("Follow them in order; each one ends with a link to the next.")
for i, (path, title, icon, blurb) in enumerate(course.LESSONS):
    if i % 2 == 0:  # a row of two: on a phone the rows stack in course order (1, 2, 3…)
        columns = st.columns(2)
    with columns[i % 2].container(border=True):
        st.page_link(path, label=f"**{i + 1}. {title}**", icon=icon)
        st.caption(blurb)

st.page_link(course.GLOSSARY.path, label="The glossary: every term the lessons use",
             icon=course.GLOSSARY.icon)

st.header("Choosing a model, and sharing it with a class")
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
        f"{zoo.PROTOCOL} *Moved, last 5* is how far the test figure changed over the last five "
        "epochs (nats): how close to convergence a model stopped. −ELBO is the VAE's loss in "
        "nats per image (lower is better) and −log p(x) a tighter estimate of the same quantity "
        "(1,000 test digits, 200 importance samples each): their difference is how loose the "
        "bound is. *Recon, mean code* is the reconstruction error decoding μ(x), the figure that "
        "compares an autoencoder with a VAE. All figures are on grey MNIST, whose floor is "
        "45.5 nats (the *BCE floor* of the glossary), so they are not comparable with binarised-MNIST papers. "
        "*Confident*: the share of 10,000 random codes that the digit classifier recognises with "
        "≥ 90 % confidence once decoded."
    )
    with layout.part("the zoo table"):
        st.markdown(zoo.table(zoo.available()))
