#!/usr/bin/env python3
"""PyTorch models whose layer names do or do not tell the layers' order, for nnpipe's tests.

Needs torch (the CPU wheel: `pip install torch==2.13.0+cpu`), safetensors and numpy. Each model
is a real nn.Module; its state_dict is saved twice:
  CASE.safetensors   safetensors.torch.save_file(model.state_dict())  (tensors sorted by name)
  CASE.npz           np.savez(**state_dict as numpy)                   (state_dict order)
with float32 weights stored units × inputs (nn.Linear), and the reference output is
  expected-CASE.csv  model.double()(x): PyTorch's own forward() in float64 over the same
                     float32 weights (exact in float64, as nnpipe reads them), repr per value.
numpy-W.npz is numpy's convention instead (W0, b0, … inputs × units), its reference numpy
float64.

Cases (the forward() order is the order of definition below, unless noted):
  fc-numbered       fc1 6→6, fc2 6→6, fc3 6→3                 numbers decide (shapes cannot)
  sequential        net.0 6→6, net.2 6→6, net.4 6→3           nn.Sequential with activations
  layers-list       layers.0 … layers.10 (6→6 …, 6→3)         layers.10 last, not after layers.1
  blocks            blocks.0.fc1, blocks.0.fc2, … blocks.10.fc2  number tuples (0,1) (0,2) (1,1) …
  numpy-W           W0 … W10                                   numpy names, W10 last
  square-unnamed    input_layer 6→6, hidden 6→6, output 6→3   refused: no order in names or shapes
  chain-unnamed     encoder 4→8, decoder 8→3, head 3→2        the only chain of shapes
  encoder-decoder   encoder.0 4→8, decoder.0 8→3              skeletons differ; the only chain
  mixed-chain       fc1 6→8, fc2 8→4, out 4→2                 fc# and out: the only chain
  mixed-square      fc1 6→6, fc2 6→6, out 6→3                 refused: two chains
  no-chain          a 4→8, b 7→3                              refused: no chain at all
  misnumbered       layer1 4→8, layer3 8→3, layer2 3→2        forward() runs layer1, layer3,
                                                              layer2: the numbers mislead, the
                                                              shapes then fail to chain
and input.csv: id,x0..x5 (7 significant digits); 4-input models read x0..x3.

Run from the repository root:
    python3 scripts/make_layer_order_fixtures.py
"""
import os

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

OUT = "Tests/Fixtures/models/order"
ROWS = 40
FEATURES = 6


class Chain(nn.Module):
    """Linear layers registered under `names`, run in the order `run` with `acts` between."""

    def __init__(self, layers, run=None, acts=None):
        super().__init__()
        for name, (n_in, n_out) in layers:
            setattr(self, name, nn.Linear(n_in, n_out))
        self.run = run or [name for name, _ in layers]
        self.acts = acts or ["relu"] * (len(self.run) - 1) + ["identity"]

    def forward(self, x):
        for name, act in zip(self.run, self.acts):
            x = ACTS[act](getattr(self, name)(x))
        return x


class Sequential(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 3))

    def forward(self, x):
        return self.net(x)


class LayersList(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(6, 6) for _ in range(10)] + [nn.Linear(6, 3)])

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 6)
        self.fc2 = nn.Linear(6, 6)

    def forward(self, x):
        return torch.tanh(self.fc2(torch.relu(self.fc1(x))))


class Blocks(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block() for _ in range(11)])

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class EncoderDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(8, 3))

    def forward(self, x):
        return self.decoder(self.encoder(x))


ACTS = {"relu": torch.relu, "tanh": torch.tanh, "identity": lambda x: x}

# name -> (constructor, inputs)
CASES = {
    "fc-numbered": (lambda: Chain([("fc1", (6, 6)), ("fc2", (6, 6)), ("fc3", (6, 3))]), 6),
    "sequential": (Sequential, 6),
    "layers-list": (LayersList, 6),
    "blocks": (Blocks, 6),
    "square-unnamed": (lambda: Chain([("input_layer", (6, 6)), ("hidden", (6, 6)), ("output", (6, 3))]), 6),
    "chain-unnamed": (lambda: Chain([("encoder", (4, 8)), ("decoder", (8, 3)), ("head", (3, 2))]), 4),
    "encoder-decoder": (EncoderDecoder, 4),
    "mixed-chain": (lambda: Chain([("fc1", (6, 8)), ("fc2", (8, 4)), ("out", (4, 2))]), 6),
    "mixed-square": (lambda: Chain([("fc1", (6, 6)), ("fc2", (6, 6)), ("out", (6, 3))]), 6),
    "no-chain": (lambda: Chain([("a", (4, 8)), ("b", (7, 3))], run=["a"], acts=["identity"]), 4),
    "misnumbered": (lambda: Chain([("layer1", (4, 8)), ("layer3", (8, 3)), ("layer2", (3, 2))]), 4),
}


def write_csv(path, header, ids, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for i, row in zip(ids, rows):
            f.write(",".join([str(i)] + [repr(float(v)) for v in row]) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261201)
    x = np.array([float(f"{v:.7g}") for v in rng.normal(0, 1.5, size=ROWS * FEATURES)]).reshape(ROWS, FEATURES)
    ids = list(range(1, ROWS + 1))
    write_csv(f"{OUT}/input.csv", ["id"] + [f"x{i}" for i in range(FEATURES)], ids, x)

    for seed, (name, (make, inputs)) in enumerate(CASES.items()):
        torch.manual_seed(seed)
        model = make()
        state = {key: value.detach().contiguous() for key, value in model.state_dict().items()}
        save_file(state, f"{OUT}/{name}.safetensors")
        np.savez(f"{OUT}/{name}.npz", **{key: value.numpy() for key, value in state.items()})
        if name == "no-chain":
            continue  # b is never run: no reference
        with torch.no_grad():
            y = model.double()(torch.tensor(x[:, :inputs], dtype=torch.float64)).numpy()
        write_csv(f"{OUT}/expected-{name}.csv", ["id"] + [f"y{i}" for i in range(y.shape[1])], ids, y)

    # numpy's names: W0 … W10 inputs × units, float64, reference in numpy float64.
    sizes = [6] * 11 + [3]
    weights = [rng.normal(0, 1 / np.sqrt(n), size=(n, m)) for n, m in zip(sizes, sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
    np.savez(f"{OUT}/numpy-W.npz", **{f"{kind}{k}": array for k, (W, b) in enumerate(zip(weights, biases))
                                     for kind, array in (("W", W), ("b", b))})
    y = x
    for k, (W, b) in enumerate(zip(weights, biases)):
        y = y @ W + b
        if k < len(weights) - 1:
            y = np.tanh(y)
    write_csv(f"{OUT}/expected-numpy-W.csv", ["id"] + [f"y{i}" for i in range(y.shape[1])], ids, y)


if __name__ == "__main__":
    main()
