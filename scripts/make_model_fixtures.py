#!/usr/bin/env python3
"""Model files in every format nnpipe reads, for its tests and examples.

Needs numpy, safetensors and onnx (`pip install numpy safetensors onnx`); no PyTorch: the
safetensors files are written with safetensors.numpy and the ONNX graphs with onnx.helper.

Writes, under Tests/Fixtures/models/:
  input.csv                  id,x0..x3 (7 significant digits)
  expected.csv               numpy float64 forward pass of the float64 network, repr per value
  expected-f32.csv           the same with the float32 weights (converted to float64 exactly)
  expected-activations.csv   the activations network (gelu, silu, leaky_relu, elu, softplus, log_softmax)
  net.npz                    np.savez, numpy names W0, b0, … (inputs × units)
  net-compressed.npz         np.savez_compressed, names w0, bias_0, … and one Fortran-order array
  net-zip64.npz              np.savez with every ZIP64 structure (as for archives past 4 GiB)
  net-torch.safetensors      PyTorch state_dict names net.0.weight, … (units × inputs), F64
  net-f32.safetensors        fc1.weight, … float32
  net-custom.safetensors     names no convention covers (mapped by the pipeline's tensors:)
  net-gemm.onnx              Gemm transB=1 (PyTorch's export of nn.Linear), raw_data float64
  net-matmul.onnx            MatMul + Add, double_data fields, Flatten and Identity in between
  net-transpose.onnx         MatMul(x, Transpose(W)) + Add(bias, ·)
  net-f32.onnx               Gemm transB=0, float32 weights
  activations.onnx           Gemm layers with Gelu, Sigmoid+Mul (SiLU), LeakyRelu, Elu, Softplus, LogSoftmax
  bad/*                      malformed files, each with its own problem (see BAD below)

and sample-data/sensor-model.{npz,safetensors,onnx}: sample-data/sensor-model.json in the other
formats, for the example pipelines. Run from the repository root:
    python3 scripts/make_model_fixtures.py
"""
import io
import json
import math
import os
import struct
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import save_file

import make_golden as golden

OUT = "Tests/Fixtures/models"
SIZES = [4, 8, 6, 3]
ACTIVATIONS = ["relu", "tanh", "sigmoid"]
ROWS = 200


# The reference activations are make_golden.py's (numpy float64, PyTorch's definitions). ONNX
# stores attributes as float32; in a DOUBLE graph the exporter's value is the shortest decimal
# that rounds to it (0.2, 0.5), as a float64 model computed with it. The ONNX Softplus operator
# is log(1 + e^x) at every x (numpy's logaddexp), without PyTorch's threshold.
REFERENCE = dict(golden.ACTIVATIONS)
REFERENCE["leaky_relu"] = golden.leaky_relu(0.2)
REFERENCE["elu"] = golden.elu(0.5)
REFERENCE["softplus"] = lambda x: np.logaddexp(0, x)


def forward(x, weights, biases, activations):
    for W, b, act in zip(weights, biases, activations):
        x = REFERENCE[act](x @ W + b)
    return x


def write_csv(path, header, ids, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for i, row in zip(ids, rows):
            f.write(",".join([str(i)] + [repr(float(v)) for v in row]) + "\n")


def random_network(rng, sizes):
    weights = [rng.normal(0, 1 / math.sqrt(n), size=(n, m)) for n, m in zip(sizes, sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
    return weights, biases


def onnx_model(nodes, initializers, inputs, outputs, width_in, width_out, elem=TensorProto.DOUBLE, opset=17):
    graph = helper.make_graph(
        nodes, "net",
        [helper.make_tensor_value_info(inputs, elem, ["N", width_in])],
        [helper.make_tensor_value_info(outputs, elem, ["N", width_out])],
        initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_model_fixtures")
    return model.SerializeToString()


def gemm_onnx(weights, biases, activations, transB=True, elem=np.float64, opset=17):
    """Gemm layers as torch.onnx.export writes nn.Linear: B = W.T (units × inputs), transB=1."""
    ops = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid", "gelu": "Gelu", "softplus": "Softplus",
           "log_softmax": "LogSoftmax", "softmax": "Softmax"}
    nodes, inits = [], []
    current = "input"
    for k, (W, b, act) in enumerate(zip(weights, biases, activations)):
        stored = (W.T if transB else W).astype(elem)
        inits.append(numpy_helper.from_array(np.ascontiguousarray(stored), f"fc{k + 1}.weight"))
        inits.append(numpy_helper.from_array(b.astype(elem), f"fc{k + 1}.bias"))
        linear = f"/fc{k + 1}/Gemm_output_0"
        nodes.append(helper.make_node("Gemm", [current, f"fc{k + 1}.weight", f"fc{k + 1}.bias"], [linear],
                                      name=f"/fc{k + 1}/Gemm", transB=1 if transB else 0, alpha=1.0, beta=1.0))
        out = "output" if k == len(weights) - 1 else f"/act{k + 1}/output_0"
        if act == "identity":
            nodes.append(helper.make_node("Identity", [linear], [out], name=f"/act{k + 1}/Identity"))
        elif act == "silu":
            nodes.append(helper.make_node("Sigmoid", [linear], [f"/act{k + 1}/sig"], name=f"/act{k + 1}/Sigmoid"))
            nodes.append(helper.make_node("Mul", [linear, f"/act{k + 1}/sig"], [out], name=f"/act{k + 1}/Mul"))
        elif act == "leaky_relu":
            nodes.append(helper.make_node("LeakyRelu", [linear], [out], name=f"/act{k + 1}/LeakyRelu", alpha=0.2))
        elif act == "elu":
            nodes.append(helper.make_node("Elu", [linear], [out], name=f"/act{k + 1}/Elu", alpha=0.5))
        elif act in ("softmax", "log_softmax"):
            nodes.append(helper.make_node(ops[act], [linear], [out], name=f"/act{k + 1}/{ops[act]}", axis=-1))
        else:
            nodes.append(helper.make_node(ops[act], [linear], [out], name=f"/act{k + 1}/{ops[act]}"))
        current = out
    elem_type = TensorProto.DOUBLE if elem == np.float64 else TensorProto.FLOAT
    return onnx_model(nodes, inits, "input", "output", weights[0].shape[0], weights[-1].shape[1], elem_type, opset)


def matmul_onnx(weights, biases, activations):
    """MatMul + Add layers with typed double_data fields (not raw_data), a Flatten and an Identity."""
    ops = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}
    nodes = [helper.make_node("Flatten", ["x"], ["flat"], name="flatten", axis=1),
             helper.make_node("Identity", ["flat"], ["x0"], name="identity")]
    inits = []
    current = "x0"
    for k, (W, b, act) in enumerate(zip(weights, biases, activations)):
        inits.append(helper.make_tensor(f"W{k}", TensorProto.DOUBLE, W.shape, W.flatten().tolist()))
        # The last layer's bias comes from a Constant node, as some exporters write it.
        if k == len(weights) - 1:
            nodes.append(helper.make_node("Constant", [], [f"b{k}"], name=f"const_b{k}",
                                          value=helper.make_tensor(f"b{k}", TensorProto.DOUBLE, b.shape, b.tolist())))
        else:
            inits.append(helper.make_tensor(f"b{k}", TensorProto.DOUBLE, b.shape, b.tolist()))
        nodes.append(helper.make_node("MatMul", [current, f"W{k}"], [f"mm{k}"], name=f"dense{k}/MatMul"))
        nodes.append(helper.make_node("Add", [f"mm{k}", f"b{k}"], [f"z{k}"], name=f"dense{k}/Add"))
        out = "y" if k == len(weights) - 1 else f"a{k}"
        nodes.append(helper.make_node(ops[act], [f"z{k}"], [out], name=f"dense{k}/{ops[act]}"))
        current = out
    return onnx_model(nodes, inits, "x", "y", weights[0].shape[0], weights[-1].shape[1])


def transpose_onnx(weights, biases, activations):
    """MatMul(x, Transpose(W.T)) + Add, as exporters write a linear layer on inputs of rank > 2."""
    ops = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}
    nodes, inits = [], []
    current = "x"
    for k, (W, b, act) in enumerate(zip(weights, biases, activations)):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(W.T), f"layers.{k}.weight"))
        inits.append(numpy_helper.from_array(b, f"layers.{k}.bias"))
        nodes.append(helper.make_node("Transpose", [f"layers.{k}.weight"], [f"Wt{k}"], name=f"t{k}", perm=[1, 0]))
        nodes.append(helper.make_node("MatMul", [current, f"Wt{k}"], [f"mm{k}"], name=f"layers.{k}/MatMul"))
        nodes.append(helper.make_node("Add", [f"layers.{k}.bias", f"mm{k}"], [f"z{k}"], name=f"layers.{k}/Add"))
        out = "y" if k == len(weights) - 1 else f"a{k}"
        nodes.append(helper.make_node(ops[act], [f"z{k}"], [out], name=f"layers.{k}/{ops[act]}"))
        current = out
    return onnx_model(nodes, inits, "x", "y", weights[0].shape[0], weights[-1].shape[1])


def npy_bytes(header_dict_text, data=b"", version=1):
    """A .npy file with the header text as given (for malformed headers)."""
    header = header_dict_text.encode("latin1")
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<H", len(header)) + header + data


def zip_of(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return buffer.getvalue()


def safetensors_bytes(header, data):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def main():
    os.makedirs(f"{OUT}/bad", exist_ok=True)
    rng = np.random.default_rng(20261125)
    weights, biases = random_network(rng, SIZES)

    x = np.array([float(f"{v:.7g}") for v in rng.normal(0, 1.5, size=(ROWS, SIZES[0])).ravel()]).reshape(ROWS, SIZES[0])
    ids = list(range(1, ROWS + 1))
    write_csv(f"{OUT}/input.csv", ["id"] + [f"x{i}" for i in range(SIZES[0])], ids, x)
    write_csv(f"{OUT}/expected.csv", ["id"] + [f"y{i}" for i in range(SIZES[-1])], ids,
              forward(x, weights, biases, ACTIVATIONS))
    w32 = [W.astype(np.float32) for W in weights]
    b32 = [b.astype(np.float32) for b in biases]
    write_csv(f"{OUT}/expected-f32.csv", ["id"] + [f"y{i}" for i in range(SIZES[-1])], ids,
              forward(x, [W.astype(np.float64) for W in w32], [b.astype(np.float64) for b in b32], ACTIVATIONS))

    # numpy: np.savez with W0, b0, … and np.savez_compressed with other spellings and a Fortran array.
    np.savez(f"{OUT}/net.npz", **{f"W{k}": W for k, W in enumerate(weights)}, **{f"b{k}": b for k, b in enumerate(biases)})
    compressed = {}
    for k, (W, b) in enumerate(zip(weights, biases)):
        compressed[f"w{k}"] = np.asfortranarray(W) if k == 1 else W
        compressed[f"bias_{k}"] = b
    np.savez_compressed(f"{OUT}/net-compressed.npz", **compressed)
    # ZIP64 throughout (sizes and offsets in the central directory's ZIP64 fields, the ZIP64 end
    # record), as zipfile writes archives past 4 GiB: forced here by lowering its limits.
    limits = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
    try:
        np.savez(f"{OUT}/net-zip64.npz", **{f"W{k}": W for k, W in enumerate(weights)}, **{f"b{k}": b for k, b in enumerate(biases)})
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = limits

    # safetensors, as safetensors.torch.save_file(model.state_dict()) writes nn.Sequential /
    # named nn.Linear layers: units × inputs.
    save_file({f"net.{2 * k}.weight": np.ascontiguousarray(W.T) for k, W in enumerate(weights)}
              | {f"net.{2 * k}.bias": b for k, b in enumerate(biases)}, f"{OUT}/net-torch.safetensors")
    save_file({f"fc{k + 1}.weight": np.ascontiguousarray(W.T) for k, W in enumerate(w32)}
              | {f"fc{k + 1}.bias": b for k, b in enumerate(b32)}, f"{OUT}/net-f32.safetensors")
    names = ["encoder", "hidden", "head"]
    custom = {}
    for k, (name, W, b) in enumerate(zip(names, weights, biases)):
        custom[f"{name}.kernel"] = np.ascontiguousarray(W.T) if k == 1 else W
        custom[f"{name}.offset"] = b
    save_file(custom, f"{OUT}/net-custom.safetensors")

    with open(f"{OUT}/net-gemm.onnx", "wb") as f:
        f.write(gemm_onnx(weights, biases, ACTIVATIONS, transB=True))
    with open(f"{OUT}/net-matmul.onnx", "wb") as f:
        f.write(matmul_onnx(weights, biases, ACTIVATIONS))
    with open(f"{OUT}/net-transpose.onnx", "wb") as f:
        f.write(transpose_onnx(weights, biases, ACTIVATIONS))
    with open(f"{OUT}/net-f32.onnx", "wb") as f:
        f.write(gemm_onnx(w32, b32, ACTIVATIONS, transB=False, elem=np.float32))

    # Every activation nnpipe reads from ONNX, on a 4-10-10-10-10-10-5 network.
    act_names = ["gelu", "silu", "leaky_relu", "elu", "softplus", "log_softmax"]
    aw, ab = random_network(rng, [4, 10, 10, 10, 10, 10, 5])
    with open(f"{OUT}/activations.onnx", "wb") as f:
        f.write(gemm_onnx(aw, ab, act_names, transB=True, opset=20))
    write_csv(f"{OUT}/expected-activations.csv", ["id"] + [f"y{i}" for i in range(5)], ids, forward(x, aw, ab, act_names))

    write_bad(weights, biases)
    write_sample_models()


# Malformed files: (file name, bytes). The tests assert each one's own message.
def write_bad(weights, biases):
    good_npz = open(f"{OUT}/net.npz", "rb").read()
    good_onnx = open(f"{OUT}/net-gemm.onnx", "rb").read()
    W0 = weights[0]
    w_bytes = W0.astype("<f8").tobytes()
    bad = {}
    bad["truncated.npz"] = good_npz[: len(good_npz) // 2]
    bad["wrong-magic.bin"] = b"MODEL v1\n" + b"\x00" * 40
    bad["empty.npz"] = b""
    bad["bad-json-header.safetensors"] = struct.pack("<Q", 30) + b'{"W0": {"dtype": "F64", "shap' + w_bytes
    bad["header-too-large.safetensors"] = struct.pack("<Q", 1 << 33) + b'{"W0": {}}' + b" " * 40
    bad["header-past-end.safetensors"] = struct.pack("<Q", 5000) + b'{"W0": {"dtype": "F64"}}'
    bad["overlapping.safetensors"] = safetensors_bytes(
        {"W0": {"dtype": "F64", "shape": [4, 8], "data_offsets": [0, 256]},
         "b0": {"dtype": "F64", "shape": [8], "data_offsets": [192, 256]}}, w_bytes)
    bad["offsets-out-of-range.safetensors"] = safetensors_bytes(
        {"W0": {"dtype": "F64", "shape": [4, 8], "data_offsets": [0, 256]},
         "b0": {"dtype": "F64", "shape": [8], "data_offsets": [256, 320]}}, w_bytes)
    bad["size-mismatch.safetensors"] = safetensors_bytes(
        {"W0": {"dtype": "F64", "shape": [4, 9], "data_offsets": [0, 256]}}, w_bytes)
    bad["unknown-dtype.safetensors"] = safetensors_bytes(
        {"W0": {"dtype": "I64", "shape": [4, 8], "data_offsets": [0, 256]}}, w_bytes)
    bad["huge-dims.safetensors"] = safetensors_bytes(
        {"W0": {"dtype": "F64", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 256]}}, w_bytes)
    buffer = io.BytesIO()
    np.savez(buffer, W0=np.array([[1.0, "a"]], dtype=object), b0=np.zeros(2))
    bad["object-dtype.npz"] = buffer.getvalue()
    bad["big-endian.npz"] = npz_bytes(W0=W0.astype(">f8"), b0=biases[0])
    bad["int-dtype.npz"] = npz_bytes(W0=np.arange(32, dtype="<i8").reshape(4, 8), b0=biases[0])
    bad["not-chaining.npz"] = npz_bytes(W0=W0, b0=biases[0], W1=np.ones((7, 3)), b1=np.zeros(3))
    bad["nan-weight.npz"] = npz_bytes(W0=np.where(np.arange(32).reshape(4, 8) == 5, np.nan, W0), b0=biases[0])
    bad["bias-mismatch.npz"] = npz_bytes(W0=W0, b0=np.zeros(5))
    bad["no-layer-names.npz"] = npz_bytes(alpha=W0, beta=biases[0])
    bad["bad-npy-header.npz"] = zip_of({"W0.npy": npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 8, }", w_bytes)})
    bad["npy-huge-shape.npz"] = zip_of({"W0.npy": npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", w_bytes)})
    corrupt = bytearray(good_npz)
    corrupt[good_npz.index(w_bytes[:16]) + 3] ^= 0xFF
    bad["bad-crc.npz"] = bytes(corrupt)
    bad["unsupported-op.onnx"] = onnx_model(
        [helper.make_node("Gemm", ["x", "W", "b"], ["z"], name="dense"),
         helper.make_node("Erf", ["z"], ["y"], name="mystery")],
        [numpy_helper.from_array(W0, "W"), numpy_helper.from_array(biases[0], "b")], "x", "y", 4, 8)
    bad["trans-a.onnx"] = onnx_model(
        [helper.make_node("Gemm", ["x", "W", "b"], ["y"], name="dense", transA=1)],
        [numpy_helper.from_array(W0, "W"), numpy_helper.from_array(biases[0], "b")], "x", "y", 4, 8)
    bad["int-weights.onnx"] = onnx_model(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="dense")],
        [numpy_helper.from_array(np.ones((4, 8), dtype=np.int64), "W")], "x", "y", 4, 8)
    bad["truncated.onnx"] = good_onnx[: len(good_onnx) * 2 // 3]
    bad["bad-varint.onnx"] = b"\x08" + b"\xff" * 12
    for name, data in bad.items():
        with open(f"{OUT}/bad/{name}", "wb") as f:
            f.write(data)


def write_sample_models():
    """sample-data/sensor-model.json as npz, safetensors (PyTorch names) and ONNX (Gemm transB=1)."""
    model = json.load(open("sample-data/sensor-model.json"))
    weights = [np.array(layer["weights"], dtype=np.float64) for layer in model["layers"]]
    biases = [np.array(layer["bias"], dtype=np.float64) for layer in model["layers"]]
    activations = [layer["activation"] for layer in model["layers"]]
    np.savez_compressed("sample-data/sensor-model.npz", **{f"W{k}": W for k, W in enumerate(weights)},
                        **{f"b{k}": b for k, b in enumerate(biases)})
    save_file({f"fc{k + 1}.weight": np.ascontiguousarray(W.T) for k, W in enumerate(weights)}
              | {f"fc{k + 1}.bias": b for k, b in enumerate(biases)}, "sample-data/sensor-model.safetensors")
    with open("sample-data/sensor-model.onnx", "wb") as f:
        f.write(gemm_onnx(weights, biases, activations, transB=True))


if __name__ == "__main__":
    main()
