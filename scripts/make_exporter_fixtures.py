"""Real exporters' files for nnpipe's tests: Tests/Fixtures/models/exporters-misc/.

Trains small models on data shipped with scikit-learn (iris, digits, diabetes: nothing is
downloaded), saves them the way the README's recipes do, and writes each framework's own
predictions beside them (NAME.expected.csv), so the tests need none of these frameworks.

Tried with: Python 3.11, numpy 2.4.6, scikit-learn 1.9.1, torch 2.13.0+cpu, safetensors 0.8.0,
and, when installed, keras 3 on the jax backend (float64 with JAX_ENABLE_X64); the Keras files
are skipped when keras is not importable.

    pip install torch==2.13.0+cpu scikit-learn safetensors   # optional: keras jax
    python scripts/make_exporter_fixtures.py

Files (inputs: iris.csv, digits.csv, diabetes.csv with an id column and f0, f1, ...):

| file | made by | nnpipe stages |
|---|---|---|
| iris-mlp-classifier.npz | MLPClassifier coefs_/intercepts_ + integer classes_ | relu, softmax |
| diabetes-mlp-regressor.npz | MLPRegressor (tanh) | tanh, identity |
| diabetes-mlp-poisson.npz | MLPRegressor(loss="poisson") | relu, exp |
| digits-standard.json, digits-minmax.json | StandardScaler, MinMaxScaler in scikit-learn's words | scale |
| digits-pipeline-minmax.json + digits-pipeline-mlp.npz | Pipeline(MinMaxScaler((-1, 1)), MLPClassifier) | scale, relu, softmax |
| iris-torch-batchnorm.safetensors | nn.Sequential(Linear, BatchNorm1d, ReLU, Linear) in float64 | relu, identity |
| iris-torch-batchnorm-f32.safetensors | the same in float32 | relu, identity (float32) |
| iris-torch.pt, iris-torch-legacy.pt | torch.save (ZIP and bare pickle): refused | - |
| iris-keras.npz | Keras Dense(leaky_relu), Dense(relu), Dense(softmax) via get_weights() | leaky_relu(0.2), relu, softmax |
| iris-keras-gelu.npz | Keras Dense(gelu), Dense(elu), Dense(linear) | gelu, elu, identity |
| activations-torch.csv | torch.nn.functional in float64 over a grid with extremes and NaN | the new activations |

Files where a near miss would pass unnoticed (`python scripts/make_exporter_fixtures.py exact`
writes only these; tried with torch 2.15.0, safetensors 0.8.0, onnx 1.23.2, onnxscript 0.7.2,
onnxruntime 1.32.0 as a cross-check, numpy 2.x):

| file | made by | nnpipe stages |
|---|---|---|
| iris-torch-bn-eps.safetensors | Sequential(Linear, BatchNorm1d(eps=1e-3), ReLU, Linear), float64 | batch_norm_eps: 0.001 |
| iris-torch-bn-after-relu.safetensors + iris-torch-bn-after-relu.2.json | Sequential(Linear, ReLU, BatchNorm1d, Linear); the JSON by the recipe nnpipe's refusal prints | forward, scale, forward |
| iris-torch-normalize.safetensors + iris-torch-normalize.norm.json | Sequential(Normalize with mean/std buffers, Linear, ReLU, Linear); the JSON by the refusal's recipe | scale, forward |
| iris-torch-leaky-elu-{dynamo,torchscript}.onnx | Sequential(Linear, LeakyReLU(0.2), Linear, ELU(0.5), Linear), float64 | the graph |
| iris-onnx-softplus.onnx, iris-onnx-softplus-cast.onnx | onnx.helper: Gemm, Softplus (then Cast to DOUBLE), Gemm, reaching 40; numpy's logaddexp(0, x) | the graph |

Activations in the ONNX forms torch writes (`python scripts/make_exporter_fixtures.py forms`;
tried with torch 2.15.0, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0 as a cross-check):

| file | made by | nnpipe stages |
|---|---|---|
| iris-torch-act-NAME-{dynamo,torchscript-17}.onnx + iris-torch-act-NAME.expected.csv | Sequential(Linear(4, 8), ACTIVATION, Linear(8, 3)), float64, pre-activations from about -15 to 15: Hardswish, Hardsigmoid, Mish, SELU, CELU, CELU(0.5), ReLU6, Hardtanh(-2, 2), Softsign, LogSigmoid | the graph |
| iris-torch-act-{relu6,hardtanh}-torchscript-10.onnx | the same at opset 10: Clip with min and max as attributes | the graph |
| iris-torch-act-hardsigmoid-f32-dynamo.onnx | the Hardsigmoid net in float32 (alpha 0.16666667 in a FLOAT graph) | the graph, precision: float32 |
| iris-onnx-hardswish-run.onnx, iris-onnx-clip-max.onnx | onnx.helper: Gemm, HardSwish written as Add/Clip/Div/Mul (as decomposing exporters write it), or Clip with no min, Gemm; numpy | the graph |
| iris-onnx-squeeze.onnx | onnx.helper: Gemm, Relu, Unsqueeze and Squeeze of axis 2, Flatten, Identity, Gemm; numpy | the graph |

State_dicts with modules that are not layers, and tied weights (`python
scripts/make_exporter_fixtures.py modules`; tried with torch 2.15.0, safetensors 0.8.0):

| file | made by | nnpipe stages |
|---|---|---|
| iris-torch-prelu.safetensors | Sequential(Linear(4, 8), PReLU() with slope 0.3, Linear(8, 3)), float64, save_file | prelu, identity; or leaky_relu(0.3), tensors: |
| iris-keras3.keras + iris-keras3.npz | Keras 3.15.1 on the torch backend, float64: Dense(8, leaky_relu), Dense(8, relu, use_bias=False), Dropout, Dense(3, softmax), model.save; the npz by KERAS_RECIPE (`keras` subcommand); nnpipe now reads the .keras file itself | leaky_relu(0.2), relu, softmax |
| iris-torch-tied.safetensors | Sequential(Linear(4, 4), ReLU, Linear(4, 4) sharing the first one's weight, ReLU, Linear(4, 3)), float64, save_model | relu, relu, identity |

Layer norms and PReLUs, as state_dicts and ONNX (`python scripts/make_exporter_fixtures.py
norms`): the table in scripts/exporter_fixtures_norms.py.

Keras 3 files nnpipe reads itself (`python scripts/make_exporter_fixtures.py keras-files`; tried with
Keras 3.15.1 on the torch backend, torch 2.13.0+cpu, h5py 3.16.0). Random weights, no training:
NAME.expected.csv is Keras' formulas evaluated in float64 (keras_reference), NAME.keras-predict.csv
Keras' own model.predict (whose float64 Dense products are float32: see keras_reference):

| file | made by | nnpipe stages |
|---|---|---|
| iris-keras3-layers.keras | Sequential: Normalization (adapted), Dense(use_bias=False), BatchNormalization(epsilon=0.01), Activation(tanh), Dense(elu), BatchNormalization, Dense, LeakyReLU(0.1), Dropout, Dense(relu), Activation(sigmoid), ReLU, Dense(softmax); float64 | the file |
| iris-keras3-functional.keras, keras-weights/iris.weights.h5 + config.json | Functional chain Dense(silu), Dropout, Dense; model.save, and save_weights with model.to_json() | the file |
| iris-keras3-f32.keras | float32 Sequential Dense(relu), BatchNormalization, Dense(softmax) | the file, precision: float32 |
| iris-keras3-layernorm.keras | Sequential: Dense, LayerNormalization(epsilon=0.01), Activation(relu), Dense, BatchNormalization, LayerNormalization, Dense(softmax); float64 | the file |
| iris-keras3-conv1d.keras, iris-keras3-layernorm-after-relu.keras | Sequential with Conv1D; a LayerNormalization after Dense(relu) | refused: by class name; after an activation |
| iris-keras3-huge.keras | h5py: a Dense kernel declared (2, 93750000) float64, never written | refused under ulimit -v |
"""
import json
import os
import sys

import numpy as np
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "models", "exporters-misc")


def write_csv(name, values, prefix):
    """id then PREFIX0, PREFIX1, ... with repr() floats (shortest round-trip)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    with open(os.path.join(OUT, name), "w") as f:
        f.write("id," + ",".join(f"{prefix}{j}" for j in range(values.shape[1])) + "\n")
        for i, row in enumerate(values):
            f.write(f"{i}," + ",".join(repr(float(v)) for v in row) + "\n")


def scaler_json(name, s):
    # The README's recipe: scikit-learn's own attribute names.
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in vars(s).items()
                   if k.endswith("_") or k in ("with_mean", "with_std", "feature_range", "clip")}, f)


def mlp_npz(name, model, **extra):
    # The README's recipe: coefs_ are inputs x units, as nnpipe reads W0, W1, ...
    np.savez(os.path.join(OUT, name), **{f"W{i}": w for i, w in enumerate(model.coefs_)},
             **{f"b{i}": b for i, b in enumerate(model.intercepts_)}, **extra)


def sklearn_models():
    iris_x, iris_y = load_iris(return_X_y=True)
    write_csv("iris.csv", iris_x, "f")
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=300, random_state=0).fit(iris_x, iris_y)
    mlp_npz("iris-mlp-classifier.npz", clf, classes=clf.classes_)  # classes_ is int64
    write_csv("iris-mlp-classifier.expected.csv", clf.predict_proba(iris_x), "p")

    diabetes_x, diabetes_y = load_diabetes(return_X_y=True)
    diabetes_x, diabetes_y = diabetes_x[:150], diabetes_y[:150]
    write_csv("diabetes.csv", diabetes_x, "f")
    reg = MLPRegressor(hidden_layer_sizes=(6,), activation="tanh", max_iter=200, random_state=0).fit(diabetes_x, diabetes_y)
    mlp_npz("diabetes-mlp-regressor.npz", reg)
    write_csv("diabetes-mlp-regressor.expected.csv", reg.predict(diabetes_x), "y")
    poisson = MLPRegressor(hidden_layer_sizes=(6,), loss="poisson", max_iter=200, random_state=0).fit(diabetes_x, diabetes_y)
    mlp_npz("diabetes-mlp-poisson.npz", poisson)
    write_csv("diabetes-mlp-poisson.expected.csv", poisson.predict(diabetes_x), "y")

    digits_x, digits_y = load_digits(return_X_y=True)
    rows = digits_x[:120]
    write_csv("digits.csv", rows, "f")
    standard = StandardScaler().fit(digits_x)
    scaler_json("digits-standard.json", standard)
    write_csv("digits-standard.expected.csv", standard.transform(rows), "f")
    minmax = MinMaxScaler().fit(digits_x)  # three constant pixel columns
    scaler_json("digits-minmax.json", minmax)
    write_csv("digits-minmax.expected.csv", minmax.transform(rows), "f")
    pipe = make_pipeline(MinMaxScaler(feature_range=(-1, 1)),
                         MLPClassifier(hidden_layer_sizes=(16,), max_iter=200, random_state=0)).fit(digits_x, digits_y)
    scaler_json("digits-pipeline-minmax.json", pipe[0])
    mlp_npz("digits-pipeline-mlp.npz", pipe[1], classes=pipe[1].classes_)
    write_csv("digits-pipeline.expected.csv", pipe.predict_proba(rows), "p")


def torch_models():
    import torch
    from safetensors.torch import save_file

    iris_x, iris_y = load_iris(return_X_y=True)
    for dtype, name in [(torch.float64, "iris-torch-batchnorm"), (torch.float32, "iris-torch-batchnorm-f32")]:
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).to(dtype)
        x, y = torch.tensor(iris_x, dtype=dtype), torch.tensor(iris_y)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        for _ in range(30):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
        model.eval()
        save_file(model.state_dict(), os.path.join(OUT, name + ".safetensors"))  # includes num_batches_tracked (I64)
        with torch.no_grad():
            write_csv(name + ".expected.csv", model(x).double().numpy(), "y")
        if dtype == torch.float64:
            torch.save(model, os.path.join(OUT, "iris-torch.pt"))
            torch.save(model.state_dict(), os.path.join(OUT, "iris-torch-legacy.pt"), _use_new_zipfile_serialization=False)

    # The new activations, PyTorch's float64 definitions, over a grid with extremes and NaN.
    import torch.nn.functional as F
    grid = np.concatenate([np.linspace(-8, 8, 161), [-800, -40, -20.5, -3, -1e-300, 0, 1e-300, 3, 20.5, 40, 700, 800, np.nan]])
    x = torch.tensor(grid, dtype=torch.float64)
    columns = {
        "exp": torch.exp(x), "relu6": F.relu6(x), "hardtanh": F.hardtanh(x), "hardtanh(-2,3)": F.hardtanh(x, -2, 3),
        "hardsigmoid": F.hardsigmoid(x), "hardswish": F.hardswish(x), "mish": F.mish(x), "selu": F.selu(x),
        "celu": F.celu(x), "celu(0.5)": F.celu(x, 0.5), "softsign": F.softsign(x), "logsigmoid": F.logsigmoid(x),
    }
    with open(os.path.join(OUT, "activations-torch.csv"), "w") as f:
        f.write("x;" + ";".join(columns) + "\n")
        for i, value in enumerate(grid):
            f.write(repr(float(value)) + ";" + ";".join(repr(float(c[i])) for c in columns.values()) + "\n")


def keras_models():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    try:
        import keras
    except ImportError:
        print("keras not installed: Keras files skipped", file=sys.stderr)
        return
    keras.config.set_floatx("float64")
    keras.utils.set_random_seed(0)
    iris_x, iris_y = load_iris(return_X_y=True)
    for name, layers in [("iris-keras", [(8, "leaky_relu"), (8, "relu"), (3, "softmax")]),
                         ("iris-keras-gelu", [(8, "gelu"), (8, "elu"), (3, "linear")])]:
        model = keras.Sequential([keras.Input((4,))] + [keras.layers.Dense(units, activation=a) for units, a in layers])
        model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=layers[-1][1] == "linear"))
        model.fit(iris_x, iris_y, epochs=5, verbose=0)
        # The README's recipe.
        weights = model.get_weights()                               # [kernel0, bias0, kernel1, bias1, ...]
        np.savez(os.path.join(OUT, name + ".npz"), **{f"{'W' if i % 2 == 0 else 'b'}{i // 2}": w for i, w in enumerate(weights)})
        write_csv(name + ".expected.csv", np.asarray(model.predict(iris_x, verbose=0), dtype=np.float64), "y")


# The recipes nnpipe's refusals print (Sources/NNPipe/Model/Files/BatchNormPairing.swift and
# TensorLayers.swift), run as printed with MODEL and the names filled in.
BN_RECIPE = """import json; from safetensors.torch import load_file; t = load_file("MODEL.safetensors"); p = "PREFIX"; eps = 1e-5; a = t[p + ".weight"] / (t[p + ".running_var"] + eps).sqrt(); json.dump({"scale_": a.tolist(), "min_": (t[p + ".bias"] - t[p + ".running_mean"] * a).tolist(), "clip": False}, open(p + ".json", "w"))"""
# The command that wrote iris-keras3.npz from iris-keras3.keras (nnpipe now reads the .keras file itself).
KERAS_RECIPE = """import keras, numpy as np; m = keras.saving.load_model("MODEL.keras"); assert all(type(l) in (keras.layers.Dense, keras.layers.Dropout) for l in m.layers), "layers other than Dense and Dropout: export to ONNX instead"; d = [l for l in m.layers if type(l) is keras.layers.Dense]; np.savez("model.npz", **{k: v for i, l in enumerate(d) for k, v in ((f"W{i}", keras.ops.convert_to_numpy(l.kernel)), (f"b{i}", keras.ops.convert_to_numpy(l.bias) if l.use_bias else np.zeros(l.units)))}); n = {"linear": "identity", "leaky_relu": "leaky_relu(0.2)", "softplus": "softplus_exact", "swish": "silu", "hard_silu": "hardswish", "hard_sigmoid": "hardsigmoid", "exponential": "exp", "log_sigmoid": "logsigmoid"}; print("activations: [" + ", ".join(n.get(l.activation.__name__, l.activation.__name__) for l in d) + "]")"""
NORM_RECIPE = """import json; from safetensors.torch import load_file; t = load_file("MODEL.safetensors"); json.dump({"mean": t["MEAN"].tolist(), "scale": t["STD"].tolist()}, open("norm.json", "w"))"""


def exact_models():
    import subprocess

    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.torch import save_file

    rows = np.loadtxt(os.path.join(OUT, "iris.csv"), delimiter=",", skiprows=1)[:, 1:]
    x = torch.tensor(rows, dtype=torch.float64)
    nn = torch.nn

    def statistics(bn):  # running statistics and affine parameters as training leaves them
        with torch.no_grad():
            bn.running_mean.uniform_(-2, 2)
            bn.running_var.uniform_(0.001, 3)
            bn.weight.uniform_(0.5, 2)
            bn.bias.uniform_(-1, 1)

    def save(model, name):
        model.eval()
        save_file(model.state_dict(), os.path.join(OUT, name + ".safetensors"))
        with torch.no_grad():
            write_csv(name + ".expected.csv", model(x).numpy(), "y")

    def run_recipe(recipe, **names):
        for key, value in names.items():
            recipe = recipe.replace(key, value)
        subprocess.run([sys.executable, "-c", recipe], cwd=OUT, check=True)

    torch.manual_seed(1)
    # BatchNorm1d(eps=1e-3) right after a Linear: folding it with 1e-5 would be off by ~1e-3.
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8, eps=1e-3), nn.ReLU(), nn.Linear(8, 3)).double()
    statistics(model[1])
    save(model, "iris-torch-bn-eps")

    # A batch norm after the ReLU: no fold into a layer computes it.
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8), nn.Linear(8, 3)).double()
    statistics(model[2])
    save(model, "iris-torch-bn-after-relu")
    run_recipe(BN_RECIPE, MODEL="iris-torch-bn-after-relu", PREFIX="2")
    os.replace(os.path.join(OUT, "2.json"), os.path.join(OUT, "iris-torch-bn-after-relu.2.json"))

    # An input normalization kept as buffers of the model.
    class Normalize(nn.Module):
        def __init__(self, mean, std):
            super().__init__()
            self.register_buffer("mean", mean)
            self.register_buffer("std", std)

        def forward(self, v):
            return (v - self.mean) / self.std

    model = nn.Sequential(Normalize(x.mean(0), x.std(0)), nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).double()
    save(model, "iris-torch-normalize")
    run_recipe(NORM_RECIPE, MODEL="iris-torch-normalize", MEAN="0.mean", STD="0.std")
    os.replace(os.path.join(OUT, "norm.json"), os.path.join(OUT, "iris-torch-normalize.norm.json"))

    # LeakyReLU(0.2) and ELU(0.5) in float64: ONNX keeps their alpha as float32.
    model = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 8), nn.ELU(0.5), nn.Linear(8, 3)).double()
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.bias.sub_(1.0)  # plenty of negative pre-activations
    model.eval()
    with torch.no_grad():
        expected = model(x).numpy()
    example = (torch.zeros(1, 4, dtype=torch.float64),)
    for variant in ("dynamo", "torchscript"):
        name = f"iris-torch-leaky-elu-{variant}"
        path = os.path.join(OUT, name + ".onnx")
        if variant == "dynamo":
            torch.onnx.export(model, example, path, input_names=["x"], dynamic_shapes=({0: torch.export.Dim("n")},),
                              external_data=False)
        else:
            torch.onnx.export(model, example, path, input_names=["x"], dynamo=False, opset_version=17,
                              dynamic_axes={"x": {0: "n"}})
        write_csv(name + ".expected.csv", expected, "y")
        check_onnxruntime(path, rows, expected)

    # The ONNX Softplus operator, log(1 + e^x) at every x: pre-activations up to about 40.
    rng = np.random.default_rng(3)
    w1, b1 = rng.normal(0, 2.5, (4, 6)), rng.normal(0, 2, 6)
    w2, b2 = rng.normal(0, 0.5, (6, 2)), rng.normal(0, 0.5, 2)
    z = rows @ w1 + b1
    expected = np.logaddexp(0, z) @ w2 + b2
    for name, cast in (("iris-onnx-softplus", False), ("iris-onnx-softplus-cast", True)):
        nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["z"], name="dense1"),
                 helper.make_node("Softplus", ["z"], ["s0" if cast else "s"], name="softplus")]
        if cast:  # as Keras' torch backend writes it
            nodes.append(helper.make_node("Cast", ["s0"], ["s"], name="cast", to=TensorProto.DOUBLE))
        nodes.append(helper.make_node("Gemm", ["s", "W2", "b2"], ["y"], name="dense2"))
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None, 2])],
                                  [numpy_helper.from_array(v, n) for n, v in (("W1", w1), ("b1", b1), ("W2", w2), ("b2", b2))])
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
        write_csv(name + ".expected.csv", expected, "y")
        check_onnxruntime(path, rows, expected)
    print(f"largest pre-activation of the Softplus files: {z.max():.1f}")


# PyTorch's activations, each between two Linear layers, as the dynamo (opset 20) and
# TorchScript (opset 17) exporters write them: one operator, or a run of elementwise nodes.
FORMS = {
    "hardswish": lambda nn: nn.Hardswish(), "hardsigmoid": lambda nn: nn.Hardsigmoid(), "mish": lambda nn: nn.Mish(),
    "selu": lambda nn: nn.SELU(), "celu": lambda nn: nn.CELU(), "celu-0.5": lambda nn: nn.CELU(0.5),
    "relu6": lambda nn: nn.ReLU6(), "hardtanh": lambda nn: nn.Hardtanh(-2, 2), "softsign": lambda nn: nn.Softsign(),
    "logsigmoid": lambda nn: nn.LogSigmoid(),
}


def form_models():
    import torch

    rows = np.loadtxt(os.path.join(OUT, "iris.csv"), delimiter=",", skiprows=1)[:, 1:]
    nn = torch.nn

    def export(model, dtype, name, variant):
        path = os.path.join(OUT, f"{name}-{variant}.onnx")
        example = (torch.zeros(1, 4, dtype=dtype),)
        if variant == "dynamo":
            torch.onnx.export(model, example, path, input_names=["x"], dynamic_shapes=({0: torch.export.Dim("n")},),
                              external_data=False)
        else:
            torch.onnx.export(model, example, path, input_names=["x"], dynamo=False,
                              opset_version=int(variant.split("-")[1]), dynamic_axes={"x": {0: "n"}})
        return path

    for index, (key, make) in enumerate(FORMS.items()):
        for dtype in (torch.float64, torch.float32):
            if dtype == torch.float32 and key != "hardsigmoid":
                continue
            torch.manual_seed(10 + index)
            model = nn.Sequential(nn.Linear(4, 8), make(nn), nn.Linear(8, 3)).to(dtype)
            with torch.no_grad():  # pre-activations from about -15 to 15: both sides of every bend
                model[0].weight.mul_(3.0)
                model[0].bias.sub_(4.0)
            model.eval()
            with torch.no_grad():
                expected = model(torch.tensor(rows, dtype=dtype)).double().numpy()
            name = f"iris-torch-act-{key}" + ("-f32" if dtype == torch.float32 else "")
            write_csv(name + ".expected.csv", expected, "y")
            variants = ["dynamo"] if dtype == torch.float32 else ["dynamo", "torchscript-17"]
            if key in ("relu6", "hardtanh"):
                variants.append("torchscript-10")
            for variant in variants:
                path = export(model, dtype, name, variant)
                check_onnxruntime(path, rows.astype(np.float32) if dtype == torch.float32 else rows, expected)
    decomposed_models(rows)


def decomposed_models(rows):
    """Activations written out by hand with onnx.helper, as decomposing exporters write them."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(5)
    w1, b1 = rng.normal(0, 2.5, (4, 6)), rng.normal(-3, 2, 6)
    w2, b2 = rng.normal(0, 0.5, (6, 2)), rng.normal(0, 0.5, 2)
    z = rows @ w1 + b1
    graphs = {
        "iris-onnx-hardswish-run": ([helper.make_node("Add", ["z", "three"], ["a"], name="add"),
                                     helper.make_node("Clip", ["a", "zero", "six"], ["c"], name="clip"),
                                     helper.make_node("Div", ["c", "six"], ["d"], name="div"),
                                     helper.make_node("Mul", ["z", "d"], ["s"], name="mul")],
                                    z * np.clip(z + 3, 0, 6) / 6),
        "iris-onnx-clip-max": ([helper.make_node("Clip", ["z", "", "six"], ["s"], name="clip")], np.minimum(z, 6)),
        # Shape steps that leave each row as it is, between two layers.
        "iris-onnx-squeeze": ([helper.make_node("Relu", ["z"], ["r"], name="relu"),
                               helper.make_node("Unsqueeze", ["r", "axis2"], ["u"], name="unsqueeze"),
                               helper.make_node("Squeeze", ["u", "axis2"], ["q"], name="squeeze"),
                               helper.make_node("Flatten", ["q"], ["f"], name="flatten", axis=1),
                               helper.make_node("Identity", ["f"], ["s"], name="identity")], np.maximum(z, 0)),
    }
    constants = [numpy_helper.from_array(np.array(v, dtype=np.float64), n) for n, v in (("three", 3.0), ("zero", 0.0), ("six", 6.0))]
    constants.append(numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"))
    for name, (nodes, activated) in graphs.items():
        nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["z"], name="dense1")] + nodes
        nodes.append(helper.make_node("Gemm", ["s", "W2", "b2"], ["y"], name="dense2"))
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None, 2])],
                                  [numpy_helper.from_array(v, n) for n, v in (("W1", w1), ("b1", b1), ("W2", w2), ("b2", b2))]
                                  + [c for c in constants if any(c.name in n.input for n in nodes)])
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
        expected = activated @ w2 + b2
        write_csv(name + ".expected.csv", expected, "y")
        check_onnxruntime(path, rows, expected)
    print(f"pre-activations of the hand-written runs: {z.min():.1f} to {z.max():.1f}")


def module_models():
    import torch
    from safetensors.torch import save_file, save_model

    rows = np.loadtxt(os.path.join(OUT, "iris.csv"), delimiter=",", skiprows=1)[:, 1:]
    x = torch.tensor(rows, dtype=torch.float64)
    nn = torch.nn
    torch.manual_seed(20)

    def shifted(model):  # negative pre-activations on most rows
        with torch.no_grad():
            model[0].bias.sub_(2.0)
        return model.eval()

    model = shifted(nn.Sequential(nn.Linear(4, 8), nn.PReLU(), nn.Linear(8, 3)).double())
    with torch.no_grad():
        model[1].weight.fill_(0.3)  # as training leaves it: not PReLU's initial 0.25
    save_file(model.state_dict(), os.path.join(OUT, "iris-torch-prelu.safetensors"))
    with torch.no_grad():
        write_csv("iris-torch-prelu.expected.csv", model(x).numpy(), "y")
    # (A PReLU per unit and layer norms: the norms mode, scripts/exporter_fixtures_norms.py.)

    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 3)).double()
    model[2].weight = model[0].weight  # tied: save_model writes it once, and "2.weight": "0.weight" in __metadata__
    model.eval()
    save_model(model, os.path.join(OUT, "iris-torch-tied.safetensors"))
    with torch.no_grad():
        write_csv("iris-torch-tied.expected.csv", model(x).numpy(), "y")


def keras_saved_models():
    import subprocess
    os.environ["KERAS_BACKEND"] = "torch"
    import keras

    keras.config.set_floatx("float64")
    keras.utils.set_random_seed(0)
    iris_x, iris_y = load_iris(return_X_y=True)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="leaky_relu"),
                              keras.layers.Dense(8, activation="relu", use_bias=False), keras.layers.Dropout(0.1),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(iris_x, iris_y, epochs=5, verbose=0)
    model.save(os.path.join(OUT, "iris-keras3.keras"))
    write_csv("iris-keras3.expected.csv", np.asarray(model.predict(iris_x, verbose=0), dtype=np.float64), "y")
    printed = subprocess.run([sys.executable, "-c", KERAS_RECIPE.replace("MODEL", "iris-keras3")], cwd=OUT, check=True,
                             capture_output=True, text=True).stdout
    print(printed.strip())
    os.replace(os.path.join(OUT, "model.npz"), os.path.join(OUT, "iris-keras3.npz"))


def keras_reference(model, x):
    """The model's float64 numbers by Keras' formulas in numpy/torch float64, layer by layer.

    Keras 3.15's `ops.matmul` computes float64 Dense layers in float32 (its type promotion maps
    64-bit types to 32-bit ones, as JAX does without x64: BIT64_TO_BIT32_DTYPE in
    keras/src/backend/common/dtypes.py) and casts the result back, so `model.predict` is about
    1e-7 away from float64 arithmetic; this is the float64 oracle nnpipe is held to at 1e-12.
    """
    import torch
    import keras
    h = torch.from_numpy(np.asarray(x, dtype=np.float64))
    act = {"linear": lambda t: t, "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
           "elu": torch.nn.functional.elu, "softmax": lambda t: torch.softmax(t, dim=-1),
           "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.2), "silu": torch.nn.functional.silu}
    for layer in model.layers:
        w = [torch.from_numpy(np.asarray(v, dtype=np.float64)) for v in layer.get_weights()]
        kind = type(layer).__name__
        if kind == "Dense":
            h = h @ w[0] + (w[1] if layer.use_bias else 0)
            h = act[layer.activation.__name__](h)
        elif kind == "Activation":
            h = act[layer.activation.__name__](h)
        elif kind == "LeakyReLU":
            h = torch.nn.functional.leaky_relu(h, layer.negative_slope)
        elif kind == "ReLU":
            h = torch.relu(h)
        elif kind == "BatchNormalization":
            gamma, beta, mean, var = w
            h = (h - mean) * (torch.rsqrt(var + layer.epsilon) * gamma) + beta
        elif kind == "LayerNormalization":
            # Keras' torch backend runs torch's own kernel for the last axis.
            h = torch.nn.functional.layer_norm(h, (h.shape[-1],), w[0], w[1], layer.epsilon)
        elif kind == "Normalization":
            mean, var = w[0], w[1]
            h = (h - mean) / torch.clamp(torch.sqrt(var), min=keras.config.epsilon())
        elif kind not in ("Dropout", "InputLayer"):
            raise ValueError(kind)
    return h.numpy()


def keras_file_models():
    """Keras 3 models nnpipe reads in Keras' own formats: `.keras` (model.save) and `.weights.h5`
    (model.save_weights) with the model's config.json beside it."""
    os.environ["KERAS_BACKEND"] = "torch"
    import keras

    iris_x = load_iris(return_X_y=True)[0]
    keras.config.set_floatx("float64")
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)

    def randomized(model):
        # Random weights instead of training: no optimizer state in the file (a few KB), and
        # biases and batch norm statistics far from their initial zeros and ones, so that one
        # read wrongly shows. Variances stay positive.
        for layer in model.layers:
            if isinstance(layer, keras.layers.Normalization):
                continue
            values = [rng.normal(0, 0.7, w.shape) for w in layer.get_weights()]
            if isinstance(layer, keras.layers.BatchNormalization):
                values[3] = rng.uniform(0.3, 2, values[3].shape)
            layer.set_weights([v.astype(keras.config.floatx()) for v in values])
        return model

    def save(name, model, reference=True):
        model.save(os.path.join(OUT, name + ".keras"))
        predicted = np.asarray(model.predict(iris_x, verbose=0), dtype=np.float64)
        write_csv(name + ".keras-predict.csv", predicted, "y")
        if reference:
            exact = keras_reference(model, iris_x)
            write_csv(name + ".expected.csv", exact, "y")
            print(f"{name}: Keras' predict is {np.max(np.abs(predicted - exact)):.3g} from float64")

    normalization = keras.layers.Normalization()
    normalization.adapt(iris_x)
    layers = randomized(keras.Sequential([
        keras.Input((4,)), normalization, keras.layers.Dense(8, use_bias=False),
        keras.layers.BatchNormalization(epsilon=0.01), keras.layers.Activation("tanh"),
        keras.layers.Dense(8, activation="elu"), keras.layers.BatchNormalization(),
        keras.layers.Dense(8), keras.layers.LeakyReLU(negative_slope=0.1), keras.layers.Dropout(0.2),
        keras.layers.Dense(8, activation="relu"), keras.layers.Activation("sigmoid"),
        keras.layers.ReLU(), keras.layers.Dense(3, activation="softmax")]))
    save("iris-keras3-layers", layers)

    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="silu")(inputs)
    outputs = keras.layers.Dense(3)(keras.layers.Dropout(0.1)(hidden))
    functional = randomized(keras.Model(inputs, outputs))
    save("iris-keras3-functional", functional)
    folder = os.path.join(OUT, "keras-weights")
    os.makedirs(folder, exist_ok=True)
    functional.save_weights(os.path.join(folder, "iris.weights.h5"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(functional.to_json())

    keras.config.set_floatx("float32")
    f32 = randomized(keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                    keras.layers.BatchNormalization(), keras.layers.Dense(3, activation="softmax")]))
    save("iris-keras3-f32", f32, reference=False)

    conv = keras.Sequential([keras.Input((4, 1)), keras.layers.Conv1D(2, 2), keras.layers.Flatten(), keras.layers.Dense(3)])
    conv.save(os.path.join(OUT, "iris-keras3-conv1d.keras"))
    # A layer norm between a Dense layer and its activation runs; one after an activation is refused.
    keras.config.set_floatx("float64")
    norm = randomized(keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.LayerNormalization(epsilon=0.01),
                                        keras.layers.Activation("relu"), keras.layers.Dense(8), keras.layers.BatchNormalization(),
                                        keras.layers.LayerNormalization(), keras.layers.Dense(3, activation="softmax")]))
    save("iris-keras3-layernorm", norm)
    after = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.LayerNormalization(name="after_relu"),
                              keras.layers.Dense(3)])
    after.save(os.path.join(OUT, "iris-keras3-layernorm-after-relu.keras"))

    # A Dense kernel declared (2, 93750000) float64, 1.5 GB, but never written: HDF5 allocates
    # no storage for it, so the file stays small; nnpipe must refuse it under ulimit -v before
    # allocating. The config is the functional model's, with the kernel's shape.
    import h5py
    import zipfile
    huge = os.path.join(OUT, "iris-keras3-huge.keras")
    with h5py.File("huge.weights.h5", "w") as f:
        f.create_dataset("layers/dense/vars/0", shape=(2, 93750000), dtype="f8")
    config = {"module": "keras", "class_name": "Sequential", "config": {"name": "huge", "layers": [
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 93750000, "activation": "linear", "use_bias": False}}]}}
    with zipfile.ZipFile(huge, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
        archive.writestr("config.json", json.dumps(config))
        archive.write("huge.weights.h5", "model.weights.h5")
    os.remove("huge.weights.h5")


def check_onnxruntime(path, rows, expected):
    try:
        import onnxruntime as ort
    except ImportError:
        return
    try:
        session = ort.InferenceSession(path)
    except Exception as error:  # onnxruntime has no double LeakyRelu or Elu kernel
        print(f"{os.path.basename(path):40s} onnxruntime refuses it: {str(error)[:80]}")
        return
    got = session.run(None, {session.get_inputs()[0].name: rows})[0]
    print(f"{os.path.basename(path):40s} onnxruntime max |diff| {np.max(np.abs(got - expected)):.3g}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:] == ["exact"]:
        exact_models()
        sys.exit(0)
    if sys.argv[1:] == ["keras"]:
        keras_saved_models()
        sys.exit(0)
    if sys.argv[1:] == ["keras-files"]:
        keras_file_models()
        sys.exit(0)
    if sys.argv[1:] == ["modules"]:
        module_models()
        sys.exit(0)
    if sys.argv[1:] == ["norms"]:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from exporter_fixtures_norms import norm_models
        norm_models(OUT, write_csv, check_onnxruntime)
        sys.exit(0)
    if sys.argv[1:] == ["forms"]:
        form_models()
        sys.exit(0)
    sklearn_models()
    torch_models()
    keras_models()
