"""Layer norms and PReLUs as PyTorch saves and exports them (`python scripts/make_exporter_fixtures.py
norms`; tried with torch 2.15.0, safetensors 0.8.0, onnx 1.23.2, onnxscript 0.7.2, numpy 2.4.6):

| file | made by | nnpipe stages |
|---|---|---|
| iris-torch-ln-prelu.safetensors + -{dynamo,torchscript-17,torchscript-16}.onnx | Sequential(Linear(4, 8), LayerNorm(8), PReLU(8), Linear(8, 3)), float64, gains, biases and slopes as training leaves them | prelu, identity with layer_norm_eps: 1e-5; the graph (LayerNormalization, or at opset 16 ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add; PRelu with slope (1, 8) or (8,)) |
| iris-torch-ln-eps.safetensors + -{dynamo,torchscript-16}.onnx | Sequential(Linear(4, 12), LayerNorm(12, eps=1e-3), ReLU, Linear(12, 3)), float64 | relu, identity with layer_norm_eps: 0.001; the graph |
| iris-torch-prelu-one.safetensors + -{dynamo,torchscript-17}.onnx | Sequential(Linear(4, 8), PReLU() with slope 0.3, Linear(8, 3)), float64 | prelu, identity; the graph (PRelu with slope (1, 1) or (1,)) |
| iris-torch-ln-prelu-f32-dynamo.onnx | the ln-prelu net in float32 (epsilon and weights float32) | the graph, precision: float32 |
| iris-torch-named-ln-prelu.safetensors | a Module with fc1 = Linear(4, 8), norm = LayerNorm(8), act = PReLU(8), head = Linear(8, 3), float64: names that do not pair | tensors: with layer_norm: norm, prelu: act |

Each NAME.expected.csv holds torch's float64 predictions; a numpy float64 reference of the layer
norm (x.mean(-1), x.var(-1): the two-pass form nnpipe computes) is printed beside them.

layernorm-numpy.csv: rows of 5, 12, 37, 130 and 300 values around 1000 (where the order of the
sums shows in the last bits), each with a gain, a bias and its numpy float64 layer norm
`(x - x.mean()) / np.sqrt(x.var() + eps) * gain + bias`, one line each (`x;gain;bias;eps;y`,
values separated by commas); nnpipe must give it bit for bit.
"""
import os

import numpy as np

MODELS = {
    "iris-torch-ln-prelu": (lambda nn: nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.PReLU(8), nn.Linear(8, 3)),
                            ["dynamo", "torchscript-17", "torchscript-16"]),
    "iris-torch-ln-eps": (lambda nn: nn.Sequential(nn.Linear(4, 12), nn.LayerNorm(12, eps=1e-3), nn.ReLU(), nn.Linear(12, 3)),
                          ["dynamo", "torchscript-16"]),
    "iris-torch-prelu-one": (lambda nn: nn.Sequential(nn.Linear(4, 8), nn.PReLU(), nn.Linear(8, 3)),
                             ["dynamo", "torchscript-17"]),
    "iris-torch-named-ln-prelu": (lambda nn: Named(nn), []),
    "iris-torch-ln-prelu-f32": (lambda nn: nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.PReLU(8), nn.Linear(8, 3)), ["dynamo"]),
}


def Named(nn):
    class Net(nn.Sequential):  # Sequential's forward over modules named as a hand-written Module names them
        def __init__(self):
            super().__init__()
            self.fc1, self.norm, self.act, self.head = nn.Linear(4, 8), nn.LayerNorm(8), nn.PReLU(8), nn.Linear(8, 3)

    return Net()


def norm_models(out, write_csv, check_onnxruntime):
    import torch
    from safetensors.torch import save_file

    numpy_layer_norms(out)
    rows = np.loadtxt(os.path.join(out, "iris.csv"), delimiter=",", skiprows=1)[:, 1:]
    x = torch.tensor(rows, dtype=torch.float64)
    nn = torch.nn
    for index, (name, (make, variants)) in enumerate(MODELS.items()):
        torch.manual_seed(30 + index)
        dtype = torch.float32 if name.endswith("-f32") else torch.float64
        model = make(nn).to(dtype)
        with torch.no_grad():
            model[0].bias.sub_(1.0)  # negative values on both sides of the layer norm
            for module in model:
                if isinstance(module, nn.LayerNorm):  # not LayerNorm's initial ones and zeros
                    module.weight.uniform_(0.5, 2)
                    module.bias.uniform_(-1, 1)
                if isinstance(module, nn.PReLU):  # not PReLU's initial 0.25
                    module.weight.copy_(torch.full_like(module.weight, 0.3) if module.weight.numel() == 1
                                        else torch.empty_like(module.weight).uniform_(-0.5, 0.5))
        model.eval()
        if dtype == torch.float64:
            save_file(model.state_dict(), os.path.join(out, name + ".safetensors"))
        with torch.no_grad():
            expected = model(x.to(dtype)).double().numpy()
        write_csv(name + ".expected.csv", expected, "y")
        example = (torch.zeros(1, 4, dtype=dtype),)
        for variant in variants:
            path = os.path.join(out, f"{name}-{variant}.onnx")
            if variant == "dynamo":
                torch.onnx.export(model, example, path, input_names=["x"], dynamic_shapes=({0: torch.export.Dim("n")},),
                                  external_data=False)
            else:
                torch.onnx.export(model, example, path, input_names=["x"], dynamo=False,
                                  opset_version=int(variant.split("-")[1]), dynamic_axes={"x": {0: "n"}})
            check_onnxruntime(path, rows.astype(np.float32) if dtype == torch.float32 else rows, expected)
        if dtype == torch.float32:
            continue
        print(f"{name}: numpy reference max |diff| from torch {np.max(np.abs(numpy_forward(model, rows) - expected)):.3g}")


def numpy_layer_norms(out):
    rng = np.random.default_rng(7)
    with open(os.path.join(out, "layernorm-numpy.csv"), "w") as f:
        for width in (5, 12, 37, 130, 300):
            x = 1000 + rng.normal(0, 3, width)
            gain, bias, eps = rng.uniform(0.5, 2, width), rng.uniform(-1, 1, width), 1e-5
            y = (x - x.mean()) / np.sqrt(x.var() + eps) * gain + bias
            f.write(";".join(",".join(repr(float(v)) for v in values) for values in (x, gain, bias, [eps], y)) + "\n")


def numpy_forward(model, rows):
    """The model in numpy float64, the layer norm in the two-pass form nnpipe computes."""
    import torch.nn as nn

    h = rows
    for module in model:
        state = {k: v.detach().numpy() for k, v in module.state_dict().items()}
        if isinstance(module, nn.Linear):
            h = h @ state["weight"].T + state["bias"]
        elif isinstance(module, nn.LayerNorm):
            h = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + module.eps) * state["weight"] + state["bias"]
        elif isinstance(module, nn.PReLU):
            h = np.where(h < 0, state["weight"] * h, h)
        elif isinstance(module, nn.ReLU):
            h = np.maximum(h, 0)
    return h
