"""Lesson: the prototype of each digit, the mean code of its test images."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import ui, zoo
from core.latent import decode, encode_mu, prototypes
from core.classifier import predict_proba

PAGE = "pages/5_Digit_prototypes.py"
choice = ui.lesson("Digit prototypes", "🧬", [
    "how each latent dimension is distributed over the test set",
    "the prototype of a digit: the mean code of all its test images",
    "which dimensions tell the digits apart, and how spread out each digit is",
])
st.markdown(r"""
Encode every one of the 10,000 test digits to its mean code $\mu(x)$. Averaging the codes of
all the 3s gives the **prototype** of 3, $\bar z_3 = \frac{1}{N_3}\sum_{x\,\text{is a 3}} \mu(x)$
— the centre of the 3s in latent space. Decoding it shows what the model thinks a typical 3 is.
""")

x_test, labels = ui.data_or_stop()
mu = ui.codes_for(choice)
protos = prototypes(mu, labels)
d = choice.latent
names = [f"z{j}" for j in range(d)]

def dimension_statistics() -> None:
    stats = pd.DataFrame(mu, columns=names).describe().T.rename(columns={"50%": "median"})
    st.dataframe(stats.style.format("{:.2f}", subset=stats.columns[1:]).format("{:.0f}",
                 subset=["count"]), width="stretch", height=min(38 + 35 * d, 420))
    if choice.family == "vae":
        st.caption("A VAE's codes are pulled towards N(0, 1): means near 0, standard deviations "
                   "near (or below) 1. A dimension with std ≈ 0 carries nothing.")
    else:
        st.caption("Nothing pulls an autoencoder's codes towards any scale: compare the std column "
                   "with a VAE's of the same size.")


def the_prototypes() -> None:
    with ui.failsafe("the decoded prototypes"):
        images = decode(ui.model_for(choice), protos)
        ui.image(images, choice, scale=4, caption="Decoded prototypes of the digits 0 to 9")
        verdict = predict_proba(zoo.load_classifier(), images)
        predicted, confidence = verdict.argmax(1).numpy(), verdict.max(1).values.numpy()
        st.caption("The classifier reads them as: " + ", ".join(
            f"{i}→{p} ({c:.0%})" for i, (p, c) in enumerate(zip(predicted, confidence))))

    heat = pd.DataFrame([{"digit": str(i), "dimension": names[j], "mean code": float(protos[i, j]),
                          "spread (std)": float(mu[labels == i, j].std())}
                         for i in range(10) for j in range(d)])
    limit = float(np.abs(protos).max())
    prototype_map = alt.Chart(heat).mark_rect().encode(
        x=alt.X("dimension:N", sort=names, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("digit:N"),
        color=alt.Color("mean code:Q", scale=alt.Scale(scheme="redblue", domain=[-limit, limit],
                                                       reverse=True)),
        tooltip=["digit", "dimension", alt.Tooltip("mean code:Q", format=".2f")],
    ).properties(title="Prototype of each digit (mean code)", height=260)
    spread_map = alt.Chart(heat).mark_rect().encode(
        x=alt.X("dimension:N", sort=names, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("digit:N"),
        color=alt.Color("spread (std):Q", scale=alt.Scale(scheme="greens")),
        tooltip=["digit", "dimension", alt.Tooltip("spread (std):Q", format=".2f")],
    ).properties(title="Spread of each digit's codes (std)", height=260)
    left, right = st.columns(2)
    left.altair_chart(prototype_map, width="stretch")
    right.altair_chart(spread_map, width="stretch")

    between = protos.std(0)                                   # how far apart the digits sit
    within = np.array([mu[labels == i].std(0) for i in range(10)]).mean(0)  # how wide each digit is
    best = int(np.argmax(between / np.maximum(within, 1e-6)))
    tight = int(np.argmin([mu[labels == i].std(0).mean() for i in range(10)]))
    loose = int(np.argmax([mu[labels == i].std(0).mean() for i in range(10)]))
    correct = int((predicted == np.arange(10)).sum())
    ui.notice([
        f"The classifier recognises {correct} of the 10 decoded prototypes as the right digit.",
        f"Dimension z{best} separates the digits best: its prototypes are spread "
        f"{between[best]:.2f} apart (std across digits) against {within[best]:.2f} within a digit.",
        f"The {tight}s are the tightest cluster and the {loose}s the widest (mean std over the "
        "dimensions): some digits are written in more ways than others.",
    ])


def take_away() -> None:
    table = pd.DataFrame(protos, columns=names, index=pd.Index(range(10), name="digit"))
    st.dataframe(table.style.format("{:.3f}"), width="stretch")
    a, b, c = st.columns([1, 1, 2])
    a.download_button("⬇️ Prototypes as CSV", table.to_csv().encode(),
                      file_name=f"prototypes-{choice.family}-z{d}.csv", mime="text/csv")
    digit = b.selectbox("Digit", range(10), key="proto_digit", label_visibility="collapsed")
    if c.button(f"Use the prototype of {digit} in Latent sliders 🕹️"):
        ui.send_to_sliders(protos[digit], f"the prototype of {digit}")


st.markdown("The lesson has three parts; pick one in the tabs below.")
ui.sections({"1 · The prototypes": the_prototypes,
             "2 · Each dimension over the test set": dimension_statistics,
             "3 · The values, to take away": take_away}, key="proto_section")

ui.try_this([
    "Predict which two digits have the closest prototypes (hint: which digits get confused "
    "when handwriting is sloppy?), then find them in the heatmap.",
    "Switch between the VAE and the autoencoder of the same size: which one's prototypes "
    "decode to cleaner digits, and why might averaging codes work better in one of them?",
])
ui.show_code(encode_mu, prototypes)
ui.next_lesson(PAGE)
