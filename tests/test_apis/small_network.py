"""A deployed network small enough to quantize in a test, and frames."""
import numpy as np
import torch
from torch import nn


class SmallNetwork(nn.Module):
    """Pixels in [0, 255] to probabilities, as a deployed network."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.layers = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 1, 1),
            nn.Sigmoid())

    def forward(self, images):
        return self.layers(images / 255)


def frames(count, size=32, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.random((1, 3, size, size)) * 255).astype(np.float32)
            for _ in range(count)]
