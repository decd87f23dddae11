"""How the models on one screen were trained: the same way, or not, worded from their cards."""

from __future__ import annotations

from core.cards import Card
from core.claims import Claim

SAME = ("batch_size", "lr", "seed", "train_subset", "backbone")  # besides the epochs completed


def recipe(card: Card) -> str:
    """"30 epochs of 60,000 digits, batch 128": what a card's run trained on."""
    c = card.config
    digits = f"{min(c.train_subset or 60_000, 60_000):,}" if c is not None else "?"
    batch = f", batch {c.batch_size}" if c is not None else ""
    n = card.epochs_completed
    return f"{n} epoch{'' if n == 1 else 's'} of {digits} digits{batch}"


def protocol_claim(cards: dict[str, Card], differs: str) -> Claim:
    """Whether the named models (name -> card) trained alike: the same epochs completed and the
    same batch, learning rate, seed, training digits and backbone. `differs` names what the
    screen compares ("the bottleneck", "β")."""
    configs = [c.config for c in cards.values()]
    same = (None not in configs and len({c.epochs_completed for c in cards.values()}) == 1
            and all(len({getattr(c, f) for c in configs}) == 1 for f in SAME))
    if same:
        first = next(iter(cards.values()))
        both = "Both" if len(cards) == 2 else f"All {len(cards)}"
        text = (f"{both} models here trained the same way ({recipe(first)}, Adam, seed "
                f"{first.config.seed}): only {differs} differs.")
    else:
        text = ("These models trained differently (" + "; ".join(
            f"{name}: {recipe(card)}" for name, card in cards.items()) + f"): part of any "
            f"difference here comes from the training, not only from {differs}.")
    return Claim(text, {"same_protocol": same,
                        "epochs": tuple(c.epochs_completed for c in cards.values())})
