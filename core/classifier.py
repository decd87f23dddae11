"""A small MNIST classifier, used only to judge decoded samples ("does this look like a digit?")."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from core.device import all_cores


class DigitClassifier(nn.Module):
    """(B, 1, 28, 28) images in [0, 1] -> (B, 10) logits. Three conv blocks, ~100k parameters.

    Small enough to train in a few minutes on 2 CPU cores and still pass 99 % test accuracy.
    """

    kind = "classifier"

    def __init__(self) -> None:
        super().__init__()

        def block(c_in: int, c_out: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))

        self.features = nn.Sequential(block(1, 16), block(16, 32), block(32, 64),  # (B, 64, 3, 3)
                                      nn.Flatten())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(64 * 3 * 3, 128), nn.ReLU(),
                                  nn.Dropout(0.3), nn.Linear(128, 10))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


@all_cores
@torch.no_grad()
def predict_proba(classifier: DigitClassifier, x: Tensor, batch_size: int = 500) -> Tensor:
    """Class probabilities (N, 10) for images (N, 1, 28, 28), computed in batches."""
    device = next(classifier.parameters()).device
    chunks = [torch.softmax(classifier(x[i:i + batch_size].to(device)), dim=1).cpu()
              for i in range(0, len(x), batch_size)]
    return torch.cat(chunks) if chunks else torch.empty(0, 10)
