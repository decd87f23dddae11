"""Lesson: the prototype of each digit, the mean code of its test images."""

import numpy as np
import pandas as pd
import streamlit as st

from core import zoo
from core.app import charts, layout, selection
from core.classifier import predict_proba
from core.latent import decode, dim_name, encode_mu, prototypes
from core.lessons import prototypes as lesson

PAGE = "pages/5_Digit_prototypes.py"
ref = layout.lesson("Digit prototypes", "🧬", [
    "how each latent dimension is distributed over the test set",
    "the prototype of a digit: the mean code of all its test images",
    "which dimensions tell the digits apart, and how spread out each digit is",
], terms=["mean code", "prior", "latent size"])
st.markdown(r"""
Encode every one of the 10,000 test digits to its mean code $\mu(x)$. Averaging the codes of
all the 3s gives the **prototype** of 3, $\bar z_3 = \frac{1}{N_3}\sum_{x\,\text{is a 3}} \mu(x)$
— the centre of the 3s in latent space. Decoding it shows what the model thinks a typical 3 is.
""")

mu = labels = protos = None
with layout.part("this lesson's codes"):
    mu, labels = selection.codes(ref), selection.test_set()[1]
    protos = prototypes(mu, labels)
d = ref.latent
names = [dim_name(j) for j in range(d)]


def dimension_statistics() -> None:
    st.markdown(f"One row per latent dimension: how its value spreads over the {len(mu):,} test "
                "codes.")
    stats = (pd.DataFrame(mu, columns=names).describe().T.rename(columns={"50%": "median"})
             .rename_axis("dimension"))  # a named index: no empty header cell for a reader
    st.dataframe(stats.style.format("{:.2f}", subset=stats.columns[1:]).format("{:.0f}",
                 subset=["count"]), width="stretch", height=min(38 + 35 * d, 420))
    st.caption(lesson.scale_claim(mu, ref.kind, ref.beta).text)


def the_prototypes() -> None:
    images = decode(selection.model(ref), protos)
    charts.image(images, scale=4, caption="Decoded prototypes of the digits 0 to 9", read=True,
                 alt="The decoded prototypes (mean codes) of the digits 0 to 9, in order")
    heat = pd.DataFrame([{"digit": str(i), "dimension": names[j], "mean code": float(protos[i, j]),
                          "spread (std)": float(mu[labels == i, j].std())}
                         for i in range(10) for j in range(d)])
    limit = float(np.abs(protos).max())
    left, right = st.columns(2)
    for where, value, title, scheme, domain in (
            (left, "mean code", "Prototype of each digit (mean code)", "redblue", (-limit, limit)),
            (right, "spread (std)", "Spread of each digit's codes (std)", "greens", None)):
        charts.show(charts.heatmap(heat, "dimension", "digit", value, sort_x=names, title=title,
                                   scheme=scheme, domain=domain), where=where,
                    alt_text=f"Heat map: {title.lower()}, one row per digit 0 to 9 and one "
                    f"column per latent dimension ({names[0]} to {names[-1]})",
                    data=heat.pivot(index="digit", columns="dimension", values=value)
                    .reindex(columns=names).reset_index())
    with layout.part("the classifier's reading"):
        verdict = predict_proba(zoo.load_classifier(), images)
        read, confidence = verdict.argmax(1).numpy(), verdict.max(1).values.numpy()
        st.caption("The classifier reads the decoded prototypes as: " + ", ".join(
            f"{i}→{p} ({c:.0%})" for i, (p, c) in enumerate(zip(read, confidence))))
        layout.notice([c.text for c in lesson.claims(mu, labels, protos, read)])


def take_away() -> None:
    table = pd.DataFrame(protos, columns=names, index=pd.Index(range(10), name="digit"))
    st.dataframe(table.style.format("{:.3f}"), width="stretch")
    a, b, c = st.columns([1, 1, 2])
    a.download_button("⬇️ Prototypes as CSV", table.to_csv().encode(),
                      file_name=f"prototypes-{ref.kind}-z{d}.csv", mime="text/csv")
    digit = b.selectbox("Digit", range(10), key="proto_digit",
                        persist_state="session", label_visibility="collapsed")
    if c.button(f"Use the prototype of {digit} in Latent sliders 🕹️"):
        layout.send_to_sliders(protos[digit], f"the prototype of {digit}")


if mu is not None:
    layout.sections({"1 · The prototypes": the_prototypes,
                     "2 · Each dimension over the test set": dimension_statistics,
                     "3 · The values, to take away": take_away}, key="proto_section")

layout.try_this([
    "Predict which two digits have the closest prototypes (hint: which digits get confused "
    "when handwriting is sloppy?), then find them in the heatmap.",
    "Switch between the VAE and the autoencoder of the same size: which one's prototypes "
    "decode to cleaner digits, and why might averaging codes work better in one of them?",
])
layout.show_code(encode_mu, prototypes)
layout.next_lesson(PAGE)
