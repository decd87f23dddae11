"""Lesson: train a VAE or an autoencoder in the browser, watch it learn, then explore it."""

import altair as alt
import pandas as pd
import streamlit as st
import torch

from core import own, ui, zoo
from core.data import MnistError, load_mnist_subset
from core.device import best_device
from core.images import seeded_indices
from core.train import fit, shuffled_subset

PAGE = "pages/11_Train_your_own.py"
choice = ui.lesson("Train your own model", "🏋️", [
    "what training does to the two terms of the loss, batch by batch and epoch by epoch",
    "how latent size, β, epochs and the amount of data change what a model learns",
    "to explore a model you trained yourself in every other lesson",
])
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
job: own.TrainingJob | None = st.session_state.get("train_job")
models = ui.own_models()
used = st.session_state.setdefault("train_used", 0)

st.header("1 · Choose")
busy = job is not None and job.active
c1, c2, c3 = st.columns(3)
kind = c1.radio("Kind", ["vae", "ae"], format_func={"vae": "VAE", "ae": "Autoencoder"}.get,
                horizontal=True, key="train_kind", disabled=busy)
sizes = sorted({size for family in ui.zoo_options().values() for size in family})
latent = c1.select_slider("Latent size", sizes, value=10 if 10 in sizes else sizes[0],
                          key="train_latent", disabled=busy)
beta = c1.select_slider("β (KL weight)", [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0], value=1.0,
                        format_func=lambda b: f"{b:g}", key="train_beta",
                        disabled=busy or kind == "ae", help="Only the VAE has a KL term.")
epochs = c2.slider("Epochs (passes over the digits)", 1, 10, 3, key="train_epochs",
                   disabled=busy)
subset = c2.select_slider("Training digits", [1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000],
                          value=10_000, format_func=lambda n: f"{n:,}", key="train_subset",
                          disabled=busy)
batch = c3.select_slider("Batch size", [32, 64, 128, 256], value=64, key="train_batch",
                         disabled=busy, help="Digits per optimiser step.")
seed = int(c3.number_input("Seed", 0, 10_000, 0, key="train_seed", disabled=busy,
                           help="The same settings and seed give the same model on a CPU."))
config = own.make_config(kind, latent, beta, epochs, subset, batch, seed)
images = own.images_trained(config)


@st.cache_data(show_spinner="Timing a few training steps…", max_entries=16)
def cost_per_image(kind: str, batch: int, device: str) -> float:
    """Seconds per training image; the latent size changes one small layer, so it is left out
    of the key and the timing runs once per kind and batch size on a server."""
    return own.seconds_per_image(own.make_config(kind, 10, 1.0, 1, batch, batch),
                                 torch.device(device))


per_image = cost_per_image(kind, batch, str(device))
# Training dominates; scoring 2,000 test digits after each epoch and all 10,000 at the end
# costs a forward pass, about a third of a training step per image.
estimate = per_image * (images + (epochs * own.EVAL_IMAGES + 10_000) / 3)
where = "the GPU" if device.type == "cuda" else f"this server's {device.type.upper()}"
problems = []
if images > own.MAX_IMAGES_PER_RUN:
    problems.append(f"That is {images:,} digit presentations (epochs × digits); one run may "
                    f"train at most {own.MAX_IMAGES_PER_RUN:,}. Lower the epochs or the digits.")
if used + images > own.MAX_IMAGES_PER_SESSION:
    problems.append(f"This session has trained {used:,} of its {own.MAX_IMAGES_PER_SESSION:,} "
                    "digit presentations; this run would go past that. Choose a smaller run.")
if len(models) >= own.MAX_MODELS:
    problems.append(f"You keep {own.MAX_MODELS} models already: remove one below to train "
                    "another.")
c3.metric("Estimated time", f"{estimate:.0f} s", help=(
    f"From timing a few training steps on {where} just now; a server busy with other "
    "students is slower."))
for problem in problems:
    st.warning(problem)
if st.button("▶️ Start training", type="primary", disabled=busy or bool(problems)):
    try:
        x_train, _ = load_mnist_subset("train", shuffled_subset(60_000, subset, seed).numpy())
        x_test, _ = ui.test_set()
    except MnistError as error:
        st.warning(f"Training needs the MNIST digits. {error}")
        st.stop()
    job = own.TrainingJob(config, device, estimate=estimate)
    job.start(x_train, x_test, x_test[seeded_indices(len(x_test), 8, 0)], ui.session_alive())
    st.session_state.train_job = job
    st.session_state.train_used = used + images
    st.rerun()


def epoch_frame(job: own.TrainingJob) -> pd.DataFrame:
    rows = []
    for report in job.epochs:
        for split, values in (("train", report.train), ("test", report.test)):
            rows.append({"epoch": report.epoch, "split": split, "reconstruction": values["recon"],
                         "KL": values["kl"] or 0.0})
    return pd.DataFrame(rows)


def progress() -> None:
    """The run's progress: redrawn every 1.5 s by a fragment while the run is going."""
    job: own.TrainingJob = st.session_state.train_job
    st.header("2 · Watch it learn")
    if job.state == "queued":
        st.info("Another student's model is training on this server; yours starts as soon as it "
                "finishes. Every lesson keeps working meanwhile.")
    fraction = job.step / job.total_steps if job.total_steps else 0.0
    status = {"queued": "waiting", "running": "training", "done": "finished",
              "stopped": "stopped", "failed": "failed"}[job.state]
    st.progress(fraction, text=f"{status} · step {job.step:,} of {job.total_steps or '…'} · "
                               f"epoch {len(job.epochs)} of {job.config.epochs} done · "
                               f"{job.seconds:.0f} s (estimated {job.estimate or 0:.0f} s)")
    if job.active:
        st.button("⏹️ Stop (keep what it learned)", on_click=job.stop)
    log = st.toggle("Log scale", key="train_log", help="For the batch and the epoch curves.")
    scale = alt.Scale(type="log" if log else "linear", zero=False)
    if job.batches:
        frame = pd.DataFrame(job.batches, columns=["step", "loss", "reconstruction", "KL"])
        long = frame.melt("step", ["loss", "reconstruction", "KL"] if job.config.kind == "vae"
                          else ["loss"], var_name="term", value_name="nats")
        st.altair_chart(alt.Chart(long).mark_line(strokeWidth=1).encode(
            x=alt.X("step:Q", title="optimiser step (batch)"),
            y=alt.Y("nats:Q", scale=scale, title="nats per image"),
            color=alt.Color("term:N", sort=["loss", "reconstruction", "KL"]),
        ).properties(height=280, title="Loss of every batch"), width="stretch")
    if job.epochs:
        frame = epoch_frame(job)
        left, right = st.columns(2)
        for column, term in ((left, "reconstruction"), (right, "KL")):
            if term == "KL" and job.config.kind == "ae":
                column.caption("An autoencoder has no KL term.")
                continue
            column.altair_chart(alt.Chart(frame).mark_line(point=True).encode(
                x=alt.X("epoch:O"), y=alt.Y(f"{term}:Q", scale=scale,
                                            title=f"{term} (nats)"),
                color=alt.Color("split:N", title=None),
            ).properties(height=240, title=f"{term.capitalize()} per epoch"), width="stretch")
        st.markdown("**Eight test digits, reconstructed after each epoch** (top: the originals)")
        x_test, _ = ui.test_set()
        originals = x_test[seeded_indices(len(x_test), 8, 0)]
        rows = torch.cat([originals, *[torch.from_numpy(r) for r in job.rows]])
        ui.image(rows, choice, columns=8, scale=2, caption=" · ".join(
            ["originals"] + [f"epoch {r.epoch}" for r in job.epochs]) + ", top to bottom")
    if job.state == "failed":
        st.error(f"Training failed ({job.error}). Nothing was kept; try smaller settings.")
    if not job.active and job.result is not None and job.result.id not in models \
            and not st.session_state.get("train_registered") == job.result.id:
        models[job.result.id] = job.result  # joins this session's picker, nobody else's
        st.session_state.own_pick = job.result.id
        st.session_state.train_registered = job.result.id
        st.rerun()  # redraw the whole page: the sidebar now offers the new model


if job is not None:
    if job.active:
        ui.fragment(progress, run_every=1.5)()
    else:
        progress()

st.header("3 · Your models")
if not models:
    st.caption("Models you train appear here and in the sidebar's picker, for this browser tab "
               "only: they are never saved on the server or shown to anyone else.")
for model_id, mine in list(models.items()):
    test, zoo_card = mine.card["test"], None
    try:
        zoo_card = zoo.card_for(mine.config.kind, mine.config.latent_dim, mine.config.beta)
    except Exception:  # noqa: BLE001 - no pretrained model with these settings to compare
        pass
    left, right = st.columns([4, 1])
    figure = (f"−ELBO **{test['neg_elbo']:.1f}** nats (reconstruction {test['recon']:.1f}, "
              f"KL {test['kl']:.1f}, {test['active_dims']} active dimensions)"
              if mine.config.kind == "vae" else f"reconstruction **{test['recon']:.1f}** nats")
    compare = ""
    if zoo_card is not None:
        key = "neg_elbo" if mine.config.kind == "vae" else "recon"
        compare = (f" · the pretrained one: {zoo_card['test'][key]:.1f} after "
                   f"{zoo_card['epochs_completed']} epochs on 60,000 digits")
    left.markdown(f"**{mine.label}** · {mine.card['train_seconds']:.0f} s · on the 10,000 test "
                  f"digits: {figure}{compare}")
    if right.button("Remove", key=f"train_remove_{model_id}", disabled=busy):
        del models[model_id]
        st.rerun()
if models:
    st.caption("Pick one in the sidebar (*Or a model you trained*) and open any lesson: the "
               "Latent sliders, Digit prototypes or the manifold of a model you made.")

if job is not None and job.epochs and job.batches:
    first, last = job.batches[0], job.batches[-1]
    final = job.epochs[-1]
    ui.notice([
        f"The loss of a batch fell from {first[1]:.0f} to {last[1]:.0f} nats per image in "
        f"{last[0]} steps, most of it in the first few dozen: the decoder first learns the "
        "average digit, then the differences between digits."
        + (f" The KL term rose to {last[3]:.1f} nats as β warmed up: the encoder began to put "
           "information into its code." if job.config.kind == "vae" else ""),
        f"After the last epoch, reconstruction on the training digits {final.train['recon']:.1f} "
        f"and on unseen test digits {final.test['recon']:.1f} nats: close, so the model is far "
        "from memorising its digits. (Train figures are averaged while the epoch was learning, "
        "so they lag behind.)",
    ])
else:
    ui.notice([
        "Start a run: the loss curve drops steeply in the first steps (the decoder learns the "
        "average digit), then slowly (the differences between digits).",
        "The reconstructions under the curves sharpen epoch by epoch: blobs, then strokes, then "
        "the right digit.",
    ])
ui.try_this([
    "Train a VAE and an autoencoder with latent size 2, the same epochs and digits. Predict: "
    "which has the lower reconstruction error? Then open *Autoencoder vs VAE* with each.",
    "Train a VAE with β = 8. Predict: how many of its dimensions stay active? Check the model "
    "card in the sidebar and the KL per epoch.",
])
ui.show_code(fit)
ui.next_lesson(PAGE)
