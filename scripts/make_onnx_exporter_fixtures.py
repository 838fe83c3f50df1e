#!/usr/bin/env python3
"""Regenerates Tests/Fixtures/models/exporters/: small models trained on data that ships with
scikit-learn (iris, digits, diabetes; no downloads), exported to ONNX the way scikit-learn's and
PyTorch's documentation shows, with each framework's own predictions beside them.

Tried with: Python 3.11, numpy 2.4.6, scikit-learn 1.9.1, skl2onnx 1.20.0, onnx 1.23.2,
onnxscript 0.7.2, torch 2.13.0+cpu, onnxruntime 1.32.0 (a cross-check only).

    (`scripts/make_onnx_exporter_fixtures.py refused` rewrites only the refused graphs in bad/.)

    python3 -m venv /tmp/onnxenv
    /tmp/onnxenv/bin/pip install torch==2.13.0+cpu onnx onnxscript skl2onnx scikit-learn onnxruntime
    /tmp/onnxenv/bin/python scripts/make_onnx_exporter_fixtures.py

Writes, per model, NAME.onnx (and NAME.onnx.data for external data), NAME.expected.csv (the
framework's predictions for the rows of the dataset's input CSV: scikit-learn's predict_proba or
predict, torch's forward in float64 for float64 nets and float32 otherwise), and one line in
manifest.csv: file, input CSV, output to run (empty when the graph has one), the precision
the framework computed in, and the bound the tests hold nnpipe to.
"""
import csv
import os
import shutil
import warnings

import numpy as np
import onnx
import torch
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "models", "exporters")
ROWS = 20
manifest = []


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([repr(float(v)) for v in row])


def dataset(name, loader):
    X, y = loader(return_X_y=True)
    X = X.astype(np.float64)
    rows = X[np.random.default_rng(0).choice(len(X), ROWS, replace=False)]
    write_csv(os.path.join(OUT, f"{name}.csv"), [f"f{i}" for i in range(X.shape[1])], rows)
    return X, y, rows


def record(name, dataset_name, expected, output, precision, bound):
    expected = np.asarray(expected, dtype=np.float64).reshape(ROWS, -1)
    write_csv(os.path.join(OUT, f"{name}.expected.csv"), [f"y{i}" for i in range(expected.shape[1])], expected)
    manifest.append([f"{name}.onnx", f"{dataset_name}.csv", output, precision, bound])
    check_with_onnxruntime(name, expected)


def check_with_onnxruntime(name, expected):
    try:
        import onnxruntime as ort
    except ImportError:
        return
    try:
        session = ort.InferenceSession(os.path.join(OUT, f"{name}.onnx"))
    except Exception as error:  # onnxruntime refuses ZipMap over doubles, which skl2onnx writes
        print(f"{name:40s} onnxruntime refuses it: {str(error)[:90]}")
        return
    feed = session.get_inputs()[0]
    rows = np.loadtxt(os.path.join(OUT, f"{manifest[-1][1]}"), delimiter=",", skiprows=1, ndmin=2)
    rows = rows.astype(np.float64 if feed.type == "tensor(double)" else np.float32)
    outputs = session.run(None, {feed.name: rows})
    names = [o.name for o in session.get_outputs()]
    wanted = manifest[-1][2] or names[0]
    got = outputs[names.index(wanted)]
    if isinstance(got, list):  # ZipMap: a list of {class: probability}
        got = np.array([[d[k] for k in sorted(d)] for d in got])
    print(f"{name:40s} onnxruntime max |diff| {np.max(np.abs(np.asarray(got, np.float64).reshape(expected.shape) - expected)):.3g}")


# --- scikit-learn through skl2onnx -------------------------------------------------------------

def sklearn_models():
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    X_iris, y_iris, iris_rows = dataset("iris", load_iris)
    X_digits, y_digits, digits_rows = dataset("digits", load_digits)
    X_diab, y_diab, diab_rows = dataset("diabetes", load_diabetes)
    models = {
        "skl-mlp-multi": (MLPClassifier(hidden_layer_sizes=(8,), max_iter=400, random_state=0).fit(X_iris, y_iris), X_iris, "iris", iris_rows),
        "skl-mlp-binary": (MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", max_iter=400, random_state=0).fit(X_iris, y_iris == 2), X_iris, "iris", iris_rows),
        "skl-pipeline-multi": (Pipeline([("scale", StandardScaler()), ("mlp", MLPClassifier(hidden_layer_sizes=(8,), max_iter=300, random_state=0))]).fit(X_digits, y_digits),
                               X_digits, "digits", digits_rows),
        "skl-mlp-regressor": (MLPRegressor(hidden_layer_sizes=(8,), max_iter=500, random_state=0).fit(X_diab, y_diab), X_diab, "diabetes", diab_rows),
    }
    for name, (model, X, data, rows) in models.items():
        is_classifier = hasattr(model, "predict_proba")
        expected = model.predict_proba(rows) if is_classifier else model.predict(rows)
        for precision, tensor_type in (("float64", DoubleTensorType), ("float32", FloatTensorType)):
            for zipmap in ((True, False) if is_classifier else (None,)):
                options = {id(model): {"zipmap": False}} if zipmap is False else None
                onx = convert_sklearn(model, initial_types=[("X", tensor_type([None, X.shape[1]]))], options=options)
                suffix = "" if zipmap is None else ("-zipmap" if zipmap else "-nozipmap")
                file = f"{name}-{'double' if precision == 'float64' else 'float'}{suffix}"
                onnx.save(onx, os.path.join(OUT, f"{file}.onnx"))
                output = "" if not is_classifier else ("output_probability" if zipmap else "probabilities")
                # scikit-learn computes in float64; a FLOAT graph holds its weights rounded to float32.
                record(file, data, expected, output, "float64" if precision == "float64" else "float32",
                       "1e-12" if precision == "float64" else "1e-5")


# --- PyTorch -------------------------------------------------------------------------------------

def torch_nets():
    X_iris, y_iris = load_iris(return_X_y=True)
    rows = np.loadtxt(os.path.join(OUT, "iris.csv"), delimiter=",", skiprows=1)
    torch.manual_seed(0)
    nets = {
        "gelu": lambda: torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.GELU(), torch.nn.Linear(16, 3)),
        "gelu-tanh": lambda: torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(16, 3)),
        "softplus": lambda: torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Softplus(), torch.nn.Linear(16, 3)),
        "batchnorm-logsoftmax": lambda: torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(),
                                                            torch.nn.Linear(16, 3), torch.nn.LogSoftmax(dim=1)),
    }
    X = torch.tensor(X_iris, dtype=torch.float64)
    y = torch.tensor(y_iris)
    for net_name, make in nets.items():
        for dtype in (torch.float64, torch.float32):
            model = make().to(dtype)
            optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
            for _ in range(60):  # a little training, so BatchNorm's running statistics move
                optimizer.zero_grad()
                out = model(X.to(dtype))
                loss = torch.nn.functional.cross_entropy(out, y)
                loss.backward()
                optimizer.step()
            model.eval()
            inputs = torch.tensor(rows, dtype=dtype)
            with torch.no_grad():
                expected = model(inputs).double().numpy()
            example = (torch.zeros(1, 4, dtype=dtype),)
            precision = "float64" if dtype == torch.float64 else "float32"
            tag = "f64" if dtype == torch.float64 else "f32"
            bound = "1e-12" if dtype == torch.float64 else "1e-5"
            variants = ["dynamo", "dynamo-inline", "torchscript-17", "torchscript-20"]
            if dtype == torch.float32:
                variants = ["dynamo", "torchscript-17"]  # float32: the defaults only
            for variant in variants:
                file = f"torch-{net_name}-{tag}-{variant}"
                path = os.path.join(OUT, f"{file}.onnx")
                # The README's recipes are these calls.
                if variant == "dynamo":  # writes NAME.onnx.data for tensors of 1 KB or more
                    torch.onnx.export(model, example, path, input_names=["x"],
                                      dynamic_shapes=({0: torch.export.Dim("n")},))
                elif variant == "dynamo-inline":
                    torch.onnx.export(model, example, path, input_names=["x"],
                                      dynamic_shapes=({0: torch.export.Dim("n")},), external_data=False)
                else:
                    torch.onnx.export(model, example, path, input_names=["x"], dynamo=False,
                                      opset_version=int(variant.split("-")[1]), dynamic_axes={"x": {0: "n"}})
                record(file, "iris", expected, "", precision, bound)


# --- graphs nnpipe refuses, each for its own reason (written with onnx.helper) -----------------

def refused_graphs():
    from onnx import TensorProto, helper, numpy_helper
    folder = os.path.join(OUT, "bad")
    os.makedirs(folder, exist_ok=True)
    W = numpy_helper.from_array(np.arange(8, dtype=np.float64).reshape(4, 2) / 8, "W")
    b = numpy_helper.from_array(np.array([0.5, -0.5]), "b")

    def save(name, nodes, extra=(), opset=17, output="y", width=2):
        graph = helper.make_graph([helper.make_node("Gemm", ["x", "W", "b"], ["z"], name="dense")] + nodes, name,
                                  [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 4])],
                                  [helper.make_tensor_value_info(output, TensorProto.DOUBLE, [None, width])],
                                  [W, b] + list(extra))
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        onnx.save(model, os.path.join(folder, f"{name}.onnx"))

    def scalar(name, value):
        return numpy_helper.from_array(np.array(value, dtype=np.float64), name)

    # an erf run that is not GELU (x/2 inside erf instead of x/sqrt(2))
    save("not-gelu", [helper.make_node("Div", ["z", "two"], ["d"], name="div"), helper.make_node("Erf", ["d"], ["e"], name="erf"),
                      helper.make_node("Add", ["e", "one"], ["a"], name="add"), helper.make_node("Mul", ["z", "a"], ["m"], name="mul"),
                      helper.make_node("Mul", ["m", "half"], ["y"], name="mul2")],
         [scalar("two", 2.0), scalar("one", 1.0), scalar("half", 0.5)])
    # HardSigmoid with ONNX's default alpha 0.2 (the old Keras hard_sigmoid), not PyTorch's 1/6
    save("hardsigmoid-0.2", [helper.make_node("HardSigmoid", ["z"], ["y"], name="act")], opset=17)
    save("batchnorm-training", [helper.make_node("BatchNormalization", ["z", "g", "beta", "m", "v"], ["y", "rm", "rv"],
                                                 name="bn", training_mode=1)],
         [numpy_helper.from_array(np.ones(2), n) for n in ("g", "beta", "m", "v")], opset=15)
    save("cast-int", [helper.make_node("Cast", ["z"], ["y"], name="cast", to=TensorProto.INT64)])
    save("reshape-other", [helper.make_node("Reshape", ["z", "shape"], ["y"], name="reshape")],
         [numpy_helper.from_array(np.array([-1], dtype=np.int64), "shape")], width=None)
    # a PRelu slope that is neither one value nor one per unit; a layer norm after the activation,
    # or after another; a Squeeze of the batch axis
    save("prelu-slope-shape", [helper.make_node("PRelu", ["z", "slope"], ["y"], name="prelu")],
         [numpy_helper.from_array(np.array([0.1, 0.2, 0.3]), "slope")])
    save("layernorm-after-relu", [helper.make_node("Relu", ["z"], ["r"], name="relu"),
                                  helper.make_node("LayerNormalization", ["r", "g"], ["y"], name="ln", axis=-1, epsilon=1e-5)],
         [numpy_helper.from_array(np.ones(2), "g")])
    save("layernorm-twice", [helper.make_node("LayerNormalization", ["z", "g"], ["n"], name="ln1", axis=-1, epsilon=1e-5),
                             helper.make_node("LayerNormalization", ["n", "g"], ["y"], name="ln2", axis=-1, epsilon=1e-5)],
         [numpy_helper.from_array(np.ones(2), "g")])
    save("squeeze-batch", [helper.make_node("Squeeze", ["z", "axes"], ["y"], name="squeeze")],
         [numpy_helper.from_array(np.array([0], dtype=np.int64), "axes")], width=None)
    # two outputs, no choice
    graph = helper.make_graph([helper.make_node("Gemm", ["x", "W", "b"], ["probabilities"], name="dense"),
                               helper.make_node("ArgMax", ["probabilities"], ["label"], name="argmax", axis=1)], "two-outputs",
                              [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 4])],
                              [helper.make_tensor_value_info("label", TensorProto.INT64, [None, 1]),
                               helper.make_tensor_value_info("probabilities", TensorProto.DOUBLE, [None, 2])], [W, b])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(folder, "two-outputs.onnx"))
    sklearn_steps(folder)


def sklearn_steps(folder):
    """scikit-learn steps before an MLP that nnpipe does not run, as skl2onnx writes them (a
    Normalizer as ReduceSumSquare/Sqrt/Div, PolynomialFeatures as ArrayFeatureExtractor/ReduceProd/
    Concat): refused by the step's name, with no output: suggestion (neither output runs)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer, PolynomialFeatures

    x, y = load_iris(return_X_y=True)
    for name, step in (("skl-normalizer", Normalizer()), ("skl-polynomial", PolynomialFeatures(2))):
        pipe = make_pipeline(step, MLPClassifier(hidden_layer_sizes=(3,), max_iter=20, random_state=0)).fit(x, y)
        onx = convert_sklearn(pipe, initial_types=[("X", DoubleTensorType([None, 4]))], options={id(pipe[-1]): {"zipmap": False}})
        onnx.save(onx, os.path.join(folder, f"{name}.onnx"))


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["refused"]:  # only the graphs in bad/
        refused_graphs()
        sys.exit(0)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    sklearn_models()
    torch_nets()
    refused_graphs()
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "input", "output", "precision", "bound"])
        w.writerows(manifest)
    print(f"{len(manifest)} models in {os.path.normpath(OUT)}")
