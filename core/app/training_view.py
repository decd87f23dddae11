"""Train your own: a run's progress as it happens, and the models this session keeps."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
import torch

from core import describe, own, portable, zoo
from core.app import charts, layout, selection
from core.checkpoint import WeightsError
from core.images import seeded_indices

JOB_KEY = "train_job"


def _epoch_frame(job: own.TrainingJob) -> pd.DataFrame:
    return pd.DataFrame([{"epoch": r.epoch, "split": split, "reconstruction": recon, "KL": kl or 0.0}
                         for r in job.epochs
                         for split, recon, kl in (("train", r.train["recon"], r.train["kl"]),
                                                  ("test", r.test.recon, r.test.kl))])


def _curves(job: own.TrainingJob, log: bool) -> None:
    scale = alt.Scale(type="log" if log else "linear", zero=False)
    if job.batches:
        frame = pd.DataFrame(job.batches, columns=["step", "loss", "reconstruction", "KL"])
        long = frame.melt("step", ["loss", "reconstruction", "KL"] if job.config.kind == "vae"
                          else ["loss"], var_name="term", value_name="nats")
        terms = ["loss", "reconstruction", "KL"]
        charts.show(alt.Chart(long).mark_line(strokeWidth=1).encode(
            x=alt.X("step:Q", title="optimiser step (batch)"),
            y=alt.Y("nats:Q", scale=scale, title="nats per image"),
            color=alt.Color("term:N", sort=terms), strokeDash=alt.StrokeDash("term:N", sort=terms),
        ).properties(height=280, title="Loss of every batch"),
            alt_text=f"Line chart: the loss of each of the {len(frame):,} batches so far (nats "
            "per image)" + (", with its reconstruction and KL terms" if job.config.kind == "vae"
                            else ""),
            data=frame.iloc[::max(1, len(frame) // 20)], data_title="The batches in "
            f"numbers (one in {max(1, len(frame) // 20)})")
    if not job.epochs:
        return
    frame = _epoch_frame(job)
    for column, term in zip(st.columns(2), ("reconstruction", "KL")):
        if term == "KL" and job.config.kind == "ae":
            column.caption("An autoencoder has no KL term.")
            continue
        charts.show(alt.Chart(frame).mark_line(point=True).encode(
            x=alt.X("epoch:O"), y=alt.Y(f"{term}:Q", scale=scale, title=f"{term} (nats)"),
            color=alt.Color("split:N", title=None), shape=alt.Shape("split:N", title=None),
        ).properties(height=240, title=f"{term.capitalize() if term != 'KL' else 'KL'} per epoch"),
            where=column, alt_text=f"Line chart: the {term} (nats) after each epoch, on the "
            "training digits and on the test digits",
            data=frame.pivot(index="epoch", columns="split", values=term).reset_index())


def progress() -> None:
    """The run's progress (redrawn every 1.5 s by a fragment while it is going): its bar, the
    loss curves and eight test digits rebuilt after each epoch; a finished model joins the
    session's models."""
    job: own.TrainingJob = st.session_state[JOB_KEY]
    with layout.result("train_progress", "Watch it learn: the run's progress"):
        _progress(job)


def _progress(job: own.TrainingJob) -> None:
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
    _curves(job, st.toggle("Log scale", key="train_log", help="For the batch and epoch curves."))
    if job.epochs:
        st.markdown("**Eight test digits, reconstructed after each epoch** (top: the originals)")
        x_test, _ = selection.test_set()
        rows = torch.cat([x_test[seeded_indices(len(x_test), 8, 0)],
                          *[torch.from_numpy(r) for r in job.rows]])
        charts.image(rows, columns=8, scale=2, caption=" · ".join(
            ["originals"] + [f"epoch {r.epoch}" for r in job.epochs]) + ", top to bottom",
            alt=describe.grid(len(job.rows) + 1, 8, "digits") + ": eight test digits in the "
            "first row, then their reconstruction after each epoch, one row per epoch")
    if job.state == "failed":
        st.error(f"Training failed ({job.error}). Nothing was kept; try smaller settings.")
    models = selection.own_models()
    if not job.active and job.result is not None and job.result.id not in models \
            and st.session_state.get("train_registered") != job.result.id:
        models[job.result.id] = job.result  # joins this session's picker, nobody else's
        st.session_state.own_pick = job.result.id
        st.session_state.train_registered = job.result.id
        st.rerun()  # redraw the whole page: the sidebar now offers the new model


def your_models(busy: bool) -> None:
    """The session's models, each with its figures beside the pretrained model of the same
    settings, and a button to remove it."""
    models = selection.own_models()
    if not models:
        st.caption("Models you train appear here and in the sidebar's picker, for this browser "
                   "tab only: they are never saved on the server or shown to anyone else.")
    for model_id, mine in list(models.items()):
        test, c = mine.card.test, mine.config
        try:
            zoo_card = zoo.card_for(c.kind, c.latent_dim, c.beta)
        except WeightsError:  # no pretrained model with these settings to compare
            zoo_card = None
        figure = (f"−ELBO **{test.neg_elbo:.1f}** nats (reconstruction {test.recon:.1f}, KL "
                  f"{test.kl:.1f}, {test.active_dims} active dimensions)" if c.kind == "vae"
                  else f"reconstruction **{test.recon:.1f}** nats")
        if zoo_card is not None:
            key = "neg_elbo" if c.kind == "vae" else "recon"
            figure += (f" · the pretrained one: {getattr(zoo_card.test, key):.1f} after "
                       f"{zoo_card.epochs_completed} epochs on 60,000 digits")
        left, middle, right = st.columns([4, 1.2, 1])
        left.markdown(f"**{mine.label}** · {mine.card.train_seconds:.0f} s · on the 10,000 test "
                      f"digits: {figure}")
        weights, card = mine.files()
        stem = f"latent-lab-{mine.card.name}-{model_id}"
        middle.download_button("⬇️ Weights", weights, file_name=f"{stem}.safetensors",
                               mime="application/octet-stream", key=f"train_get_w_{model_id}")
        middle.download_button("⬇️ Card", card, file_name=f"{stem}.json",
                               mime="application/json", key=f"train_get_c_{model_id}")
        if right.button("Remove", key=f"train_remove_{model_id}", disabled=busy):
            del models[model_id]
            st.rerun()
    st.caption("**A reload of the page ends the models trained in it.** Download a model's "
               "weights and card to keep it, and load them back below.")
    load_back(len(models))
    if models:
        st.caption("Pick one in the sidebar (*Or a model you trained*) and open any lesson: in "
                   "*Autoencoder vs VAE*, *KL weight* and *Interpolation* it takes the place of "
                   "the pretrained model of its family, beside the other.")


def load_back(n_models: int) -> None:
    """Two uploaders for a model downloaded before (weights and card), checked by
    `core.portable.import_` before it joins this session's models."""
    with st.expander("Load a model you downloaded before"):
        n = st.session_state.get("train_load_n", 0)  # a new pair of uploaders after each load
        left, right = st.columns(2)
        weights = left.file_uploader("Its weights (.safetensors)", type=["safetensors"],
                                     key=f"train_load_w_{n}")
        card = right.file_uploader("Its card (.json)", type=["json"], key=f"train_load_c_{n}")
        if weights is None or card is None:
            st.caption("Upload both files of one model, as the download buttons above saved them.")
            return
        if n_models >= own.MAX_MODELS:
            st.warning(f"You keep {own.MAX_MODELS} models already: remove one above first.")
            return
        try:
            model, read = portable.import_(weights.getvalue(), card.getvalue())
        except WeightsError as error:
            st.warning(f"That model cannot be loaded: {error}.")
            return
        model_id = selection.next_own_id()
        selection.own_models()[model_id] = own.OwnModel(model_id, model, read.config, read)
        st.session_state.own_pick = model_id
        st.session_state.train_load_n = n + 1
        st.rerun()
