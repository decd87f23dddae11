"""Lesson: train a VAE or an autoencoder in the browser, watch it learn, then explore it."""

import streamlit as st
import torch

from core import own
from core.app import layout, selection
from core.app import training_view as view
from core.data import load_mnist_subset
from core.device import best_device
from core.images import seeded_indices
from core.lessons import training as lesson
from core.train import fit, shuffled_subset

PAGE = "pages/11_Train_your_own.py"
ref = layout.lesson("Train your own model", "🏋️", [
    "what training does to the two terms of the loss, batch by batch and epoch by epoch",
    "how latent size, β, epochs and the amount of data change what a model learns",
    "to explore a model you trained yourself in every other lesson",
], terms=["β", "KL", "ELBO", "BCE", "active dimension"])
st.markdown("Training shows the model a batch of digits, measures the loss and nudges every "
            "weight downhill (Adam). For a VAE the loss of a digit x is")
st.latex(r"\text{BCE}(x, \hat x) + \beta\,\text{KL}\big(q(z \mid x)\,\|\,\mathcal N(0, I)\big)")
st.markdown("""
and an autoencoder has no KL term. β is raised from 0 over the first quarter of the run (*KL
warm-up*): otherwise a small model can give up on its latent code before the decoder learns to
use it. This page runs exactly the loop of `python -m core.train`, on the same backbone as the
pretrained models; the defaults train in under half a minute on two CPU cores.
""")

device = best_device("auto")
job: own.TrainingJob | None = st.session_state.get(view.JOB_KEY)
models = selection.own_models()
used = st.session_state.setdefault("train_used", 0)

st.header("1 · Choose")
busy = job is not None and job.active
c1, c2, c3 = st.columns(3)
kind = c1.radio("Kind", ["vae", "ae"], format_func={"vae": "VAE", "ae": "Autoencoder"}.get,
                horizontal=True, key="train_kind", persist_state="session", disabled=busy)
sizes = sorted({size for family in selection.zoo_options().values() for size in family})
latent = c1.select_slider("Latent size", sizes, value=10 if 10 in sizes else sizes[0],
                          key="train_latent", persist_state="session", disabled=busy)
beta = c1.select_slider("β (KL weight)", [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0], value=1.0,
                        format_func=lambda b: f"{b:g}", key="train_beta", persist_state="session",
                        disabled=busy or kind == "ae", help="Only the VAE has a KL term.")
epochs = c2.slider("Epochs (passes over the digits)", 1, 10, 3, key="train_epochs",
                   persist_state="session",
                   disabled=busy)
subset = c2.select_slider("Training digits", [1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000],
                          value=10_000, format_func=lambda n: f"{n:,}", key="train_subset",
                          persist_state="session",
                          disabled=busy)
batch = c3.select_slider("Batch size", [32, 64, 128, 256], value=64, key="train_batch",
                         persist_state="session",
                         disabled=busy, help="Digits per optimiser step.")
seed = int(c3.number_input("Seed", 0, 10_000, 0, key="train_seed",
                           persist_state="session", disabled=busy,
                           help="The same settings and seed give the same model on a CPU."))
config = own.make_config(kind, latent, beta, epochs, subset, batch, seed)
images = own.images_trained(config)


@st.cache_data(show_spinner="Timing a few training steps…", max_entries=16)
def cost(kind: str, latent: int, batch: int, device: str) -> tuple[float, float]:
    """Seconds per training and per scored image, timed on real digits once per server."""
    return own.timings(own.make_config(kind, latent, 1.0, 1, 1000, batch), torch.device(device),
                       selection.test_set()[0])


problems = own.problems(config, used, len(models))
with layout.part("the estimate"):
    estimate = own.estimate_seconds(config, *cost(kind, latent, batch, str(device)))
    where = "the GPU" if device.type == "cuda" else f"this server's {device.type.upper()}"
    c3.metric("Estimated time", f"{estimate:.0f} s", help=(
        f"From timing a few training steps on {where} just now; a server busy with other "
        "students is slower."))
for problem in problems:
    st.warning(problem)
if st.button("▶️ Start training", type="primary", disabled=busy or bool(problems)):
    with layout.part("starting the run"):
        x_test, _ = selection.test_set()
        load_mnist_subset("train", [0])  # MNIST's training digits are here (or say what to do)
        job = own.TrainingJob(config, device, estimate=estimate, model_id=selection.next_own_id())
        try:  # the training digits are read once the run has the server's slot
            job.start(lambda: load_mnist_subset("train", shuffled_subset(60_000, subset, seed)
                                                .numpy())[0],
                      x_test, x_test[seeded_indices(len(x_test), 8, 0)], selection.session_alive())
        except own.QueueFull as full:
            raise layout.Advice(str(full)) from None
        st.session_state[view.JOB_KEY] = job
        st.session_state.train_used = used + images
        layout.focus_next("train_progress")
        st.rerun()

if job is not None:
    (layout.fragment(view.progress, run_every=1.5) if job.active else view.progress)()

st.header(f"{3 if job is not None else 2} · Your models")  # 2 is the run, once there is one
view.your_models(busy)
if job is not None and job.epochs and job.batches:
    final = job.epochs[-1]
    layout.notice([c.text for c in lesson.claims(job.batches, final.train["recon"],
                                                 final.test.recon, job.config.kind)])
else:
    layout.notice([
        "Predict before you start a run: will the loss curve fall steadily, or steeply at first "
        "and slowly after? Will the reconstructions under the curves sharpen epoch by epoch?"])
layout.try_this([
    "Train a VAE and an autoencoder with latent size 2, the same epochs and digits. Predict: "
    "which has the lower reconstruction error? Then pick each in the sidebar and open "
    "*Autoencoder vs VAE*: your model stands in for the pretrained one of its family.",
    "Train a VAE with β = 8. Predict: how many of its dimensions stay active? Check the model "
    "card in the sidebar and the KL per epoch.",
])
layout.show_code(fit)
layout.next_lesson(PAGE)
