"""Lesson: blending pictures against walking the latent space, and latent arithmetic."""

import numpy as np
import streamlit as st
import torch

from core import describe, zoo
from core.app import charts, classroom, layout, selection, walks
from core.claims import a_digit
from core.images import labelled_grid, seeded_indices
from core.latent import decode, encode_mu, interpolate
from core.lessons import interpolation as lesson
from core.quality import judge

PAGE = "pages/9_Interpolation_and_arithmetic.py"
ref = layout.lesson("Interpolation and arithmetic", "➗", [
    "the difference between blending two pictures and walking between their codes",
    "linear against spherical interpolation (slerp), and why slerp suits a Gaussian prior",
    "latent arithmetic: A + B − C, and when it means something",
], terms=["prior", "mean code", "latent size"])
st.markdown(r"""
A **cross-fade** mixes the pixels, $(1-t)\,x_A + t\,x_B$: halfway, you see two faint digits on
top of each other. A **latent walk** mixes the codes, $z_t = (1-t)\,z_A + t\,z_B$, and decodes
each one: if the latent space is smooth, every step is a plausible digit on its way from A to B.
**Slerp** walks along the arc between the two codes instead of the chord, keeping the length of
$z$ typical of N(0, I) (near $\sqrt{d}$) where a straight line would cut through less likely codes.
""")



@st.cache_resource(show_spinner=False)
def typical() -> float:
    return lesson.typical_distance(selection.test_set()[0])


with layout.part("the walks"):
    x_test, labels = selection.test_set()
    with st.expander("Pick two test digits from a seeded grid", expanded=False):
        seed = st.number_input("Grid seed", 0, 10_000, 0, key="interp_grid_seed",
                               persist_state="session")
        shown = seeded_indices(len(x_test), 24, int(seed))
        charts.picture(labelled_grid(x_test[shown], [f"#{i}" for i in shown], columns=12,
                                     scale=2, cmap=selection.cmap()),
                       caption="Type the numbers below the digits you want into the boxes below.",
                       alt="24 test digits, each over its index: " + describe.listing(
                           [f"#{i} ({a_digit(int(labels[i]))})" for i in shown]))
    followed = classroom.follow("interp_pair")  # in a class: the instructor's pair
    if followed is not None:
        st.session_state.interp_a, st.session_state.interp_b = followed
    a, b, s = st.columns(3)
    first = int(a.number_input("Digit A (test index)", 0, len(x_test) - 1, 1, key="interp_a",
                               persist_state="session"))
    second = int(b.number_input("Digit B (test index)", 0, len(x_test) - 1, 0, key="interp_b",
                                persist_state="session"))
    steps = int(s.slider("Steps", 5, 15, 9, key="interp_steps", persist_state="session"))
    classroom.share("interp_pair", [first, second])
    pair, models = selection.pair(ref), {}
    for name, key in pair.items():
        with layout.part(f"the {name.lower()}'s walks"):  # one broken model costs its rows only
            models[f"Your model #{key.own}" if key.is_own else name] = selection.model(key)
    st.markdown(f"**Scrub from A to B** with {ref.label}: your browser decodes each step as you "
                "drag, along the chord (linear), along the arc (slerp), beside the pixels' "
                "cross-fade.")
    x_ab = x_test[[first, second]]
    walks.scrubber(ref, selection.model(ref), x_ab)
    rows = lesson.walks(models, x_ab, steps)
    distance = lesson.middle_distance(rows, x_test, [first, second])
    for title, images in rows.items():
        charts.picture(labelled_grid(images, [f"t = {t:.2f}" for t in np.linspace(0, 1, steps)],
                                     columns=steps, scale=2, cmap=selection.cmap()),
                       caption=f"{title} — middle steps {distance[title]:.2f} from the nearest "
                       "real test digit",
                       alt=charts.read_digits(f"{title}: {steps} steps from test digit #{first} "
                                              f"({a_digit(int(labels[first]))}) at t = 0 to "
                                              f"#{second} ({a_digit(int(labels[second]))}) at "
                                              "t = 1", images))
    layout.trained_alike(pair, "the bottleneck")
    vae = [m for name, m in models.items() if m.kind == "vae"]
    norms = lesson.halfway_norms(vae[0], x_test[[first, second]]) if vae else {}
    layout.notice([c.text for c in lesson.claims(distance, typical(), norms)] + [
        "Why not ask the classifier? Halfway, a cross-fade is two faint digits on top of each "
        "other, and a classifier confidently reads the stronger one: its score cannot tell a "
        "stacked pair from a digit. The distance to the nearest real digit can."])

st.header("Latent arithmetic: A + B − C")
st.markdown("Encode three digits and decode $z_A + z_B - z_C$. If B and C differ in one "
            "feature only (say, a thick and a thin 1), the difference $z_B - z_C$ is that "
            "feature, and adding it to A should give A with the feature.")


@layout.fragment
def arithmetic() -> None:
    """A pick (or a box) reruns this part alone: the walks above are not computed again."""
    with layout.part("the arithmetic"):
        x_test, labels = selection.test_set()
        grid = seeded_indices(len(x_test), 24, 11).tolist()  # its first three are the defaults
        model = selection.model(ref)
        st.markdown("Click a digit to pick A, then B, then C (or choose which with the buttons): "
                    "your browser decodes A + B − C at each pick.")
        walks.arithmetic_picker(ref, model, x_test, grid)
        c1, c2, c3 = st.columns(3)
        default = grid[:3]
        ia, ib, ic = (int(c.number_input(f"{name} (test index)", 0, len(x_test) - 1, int(v),
                                         key=f"arith_{name.lower()}", persist_state="session"))
                      for c, name, v in zip((c1, c2, c3), "ABC", default))
        x_abc = x_test[[ia, ib, ic]]
        z = encode_mu(model, x_abc)
        result = z[0] + z[1] - z[2]
        images = torch.cat([x_abc, decode(model, z), decode(model, result)])
        charts.picture(labelled_grid(images, ["A", "B", "C", "A rebuilt", "B rebuilt", "C rebuilt",
                                              "A + B - C"], columns=7, scale=3, cmap=selection.cmap()),
                       caption=f"{ref.label}; digits {labels[ia]}, {labels[ib]}, {labels[ic]}",
                       alt=charts.read_digits(
                           f"Seven digits: A, B and C (test digits #{ia}, #{ib} and #{ic}, labelled "
                           f"{labels[ia]}, {labels[ib]} and {labels[ic]}), the three rebuilt by "
                           f"{ref.label}, and A + B − C decoded", images))
        st.caption(f"‖A + B − C‖ = {result.norm():.2f} against ‖A‖ = {z[0].norm():.2f}.")
        with layout.part("the classifier's reading"):
            verdict = judge(zoo.load_classifier(), images[-1:])
            st.caption(f"The classifier reads A + B − C as "
                       f"{a_digit(int(np.argmax(verdict['label_histogram'])))}"
                       f"{'' if verdict['confident_fraction'] else ' (with less than 90 % confidence)'}.")
        if st.button("Use A + B − C in Latent sliders 🕹️"):
            layout.send_to_sliders(result.numpy(), "A + B − C")


arithmetic()

layout.try_this([
    "Find a thick and a thin version of the same digit for B and C (use the grid), and any "
    "digit for A. Predict what A + B − C will look like, then check.",
    "Walk from a 0 to a 1 with the autoencoder and the VAE at latent size 2, then at 32. "
    "Where does the autoencoder's walk stop looking like a digit?",
])
layout.show_code(interpolate, lesson.nearest_distance)
layout.next_lesson(PAGE)
