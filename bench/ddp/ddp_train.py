"""The PyTorch peer of `platform bench scaling`: the same models, data and batches under DDP over gloo.

    ddp_train.py MODEL STEPS FASHION_DIR   (one process per rank; RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set)

MODEL is `fashion-mlp` (784-256-256-10, ReLU, He init) or `cnn` (two 3x3 conv stages of 16 and 32
channels with ReLU and 2x2 max-pool, then 128 hidden units), as the platform's benchmark jobs are;
SGD lr 0.05 momentum 0.9, global batch 128 split evenly over the ranks, one torch thread per rank.
Rank 0 prints {"samples_per_second": ...}: the global samples of the timed steps (after a warm-up)
over their wall time, forward, backward with DDP's bucketed allreduce, and the optimizer step.
"""
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

BATCH = 128
WARMUP = 20


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(784, 256), nn.Linear(256, 256), nn.Linear(256, 10)])
        for layer in self.layers:
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        x = x.flatten(1)
        x = F.relu(self.layers[0](x))
        x = F.relu(self.layers[1](x))
        return self.layers[2](x)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.hidden = nn.Linear(32 * 7 * 7, 128)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.head(F.relu(self.hidden(x.flatten(1))))


def main():
    model_name, steps, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    images = (idx(f"{folder}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0 - 0.2860) / 0.3530
    labels = idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64)
    x_all, y_all = torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)
    torch.manual_seed(1)
    model = nn.parallel.DistributedDataParallel(Mlp() if model_name == "fashion-mlp" else Cnn())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    order = torch.randperm(len(x_all), generator=torch.Generator().manual_seed(1))
    local = BATCH // world
    per_epoch = len(x_all) // BATCH
    started = None
    for step in range(steps + WARMUP):
        if step == WARMUP:
            dist.barrier()
            started = time.perf_counter()
        batch = order[(step % per_epoch) * BATCH + rank * local:][:local]
        loss = F.cross_entropy(model(x_all[batch]), y_all[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    dist.barrier()
    seconds = time.perf_counter() - started
    if rank == 0:
        print(json.dumps({"samples_per_second": steps * BATCH / seconds, "world_size": world}))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
