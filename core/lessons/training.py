"""Train your own: what the curves of a run show, worded by the run's own figures."""

from __future__ import annotations

from core.claims import Claim


def claims(batches: list[tuple[int, float, float, float]], train_recon: float,
           test_recon: float, kind: str) -> list[Claim]:
    """batches: (step, loss, recon, kl) of every optimiser step; the last epoch's average
    training reconstruction and its test reconstruction (nats per image)."""
    first, last = batches[0], batches[-1]
    drop = first[1] - last[1]
    early = batches[max(0, len(batches) // 10 - 1)]  # after a tenth of the steps
    share = (first[1] - early[1]) / drop if drop > 0 else 0.0
    speed = ("most of it in the first tenth of the steps: the decoder first learns the average "
             "digit, then the differences between digits" if share >= 0.5 else
             "spread over the whole run rather than in its first steps")
    text = (f"The loss of a batch fell from {first[1]:.0f} to {last[1]:.0f} nats per image in "
            f"{last[0]} steps, {share:.0%} of the fall in the first tenth of them: {speed}."
            if drop > 0 else f"The loss of a batch did not fall ({first[1]:.0f} to "
            f"{last[1]:.0f} nats): try a smaller batch or more epochs.")
    out = [Claim(text, {"first": first[1], "last": last[1], "early_share": share})]
    if kind == "vae":
        out.append(Claim(f"The KL term went from {first[3]:.1f} to {last[3]:.1f} nats as β warmed "
                         "up: " + ("the encoder put information into its code." if last[3] >
                                   first[3] else "the code carries less information than at "
                                   "the start."), {"kl_first": first[3], "kl_last": last[3]}))
    gap = test_recon - train_recon
    close = abs(gap) <= 0.05 * train_recon
    out.append(Claim(
        f"After the last epoch, reconstruction on the training digits {train_recon:.1f} and on "
        f"unseen test digits {test_recon:.1f} nats: "
        + ("within 5 %, so the model is far from memorising its digits." if close else
           "more than 5 % apart" + (", worse on unseen digits: the model has begun to memorise "
                                    "its training digits." if gap > 0 else "."))
        + " (Train figures are averaged while the epoch was learning, so they lag behind.)",
        {"train": train_recon, "test": test_recon, "close": close}))
    return out
