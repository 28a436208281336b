"""A PyTorch user's conv net, saved as TorchScript for the platform to train.

    python3 examples/torchscript/convnet.py examples/torchscript/convnet.pt
    ./platform train examples/torchscript/convnet.yaml

Any module that torch.jit.script accepts works the same way: it maps a batch of samples
([N, 1, 28, 28] for Fashion-MNIST) to one score per class ([N, 10]).
"""
import sys

import torch
import torch.nn.functional as F
from torch import nn


class ConvNet(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


if __name__ == "__main__":
    torch.manual_seed(0)
    torch.jit.script(ConvNet()).save(sys.argv[1] if len(sys.argv) > 1 else "convnet.pt")
