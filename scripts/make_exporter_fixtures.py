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


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    sklearn_models()
    torch_models()
    keras_models()
