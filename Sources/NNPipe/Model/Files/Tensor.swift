/// One named array from a model file, decoded to float64.
///
/// `values` are in C order (the last index varies fastest), whatever order the file stored
/// them in; float32, float16 and bfloat16 values convert to float64 exactly.
///
/// A tensor nnpipe cannot use as weights (an integer, boolean, string or object array:
/// scikit-learn's `classes_`, a batch norm's `num_batches_tracked`) is still listed, with its
/// stored type and shape, no values, and ``unusable`` saying why: it stops a load only when the
/// network needs it (``checkUsable()``).
package struct Tensor: Sendable {
    /// The name in the file (`W0`, `fc1.weight`, an ONNX initializer's name).
    package var name: String
    /// Dimensions, outermost first; empty for a scalar.
    package var shape: [Int]
    /// The element type as the file stores it (`<f8`, `F32`, `FLOAT`).
    package var dtype: String
    /// product(shape) values, C order.
    package var values: [Double]

    /// Why the tensor cannot serve as weights (its element type), or nil when ``values`` hold it.
    package var unusable: String?

    package init(name: String, shape: [Int], dtype: String, values: [Double]) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.values = values
        self.unusable = nil
    }

    /// A tensor listed but not decoded: `unusable` says why it cannot be weights.
    package init(name: String, shape: [Int], dtype: String, unusable: String) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.values = []
        self.unusable = unusable
    }

    /// Whether ``values`` hold the tensor (a float type nnpipe reads).
    package var isUsable: Bool { unusable == nil }

    /// Throws ``unusable`` for a tensor the network needs but cannot use.
    func checkUsable() throws(ModelError) {
        if let unusable { throw ModelError(unusable) }
    }

    /// The shape as written in messages: `(3, 4)`.
    package var shapeText: String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

/// The kinds of model file nnpipe reads, told apart by their first bytes.
package enum ModelFileFormat: String, Sendable {
    /// nnpipe's own JSON model: `{"layers": [...]}`.
    case json
    /// numpy's `np.savez` / `np.savez_compressed`: a ZIP of `.npy` arrays.
    case npz
    /// One numpy array (`np.save`): no layers by itself.
    case npy
    /// Hugging Face safetensors (`safetensors.torch.save_file`, `safetensors.numpy.save_file`).
    case safetensors
    /// An ONNX model (protobuf `ModelProto`).
    case onnx
    /// A Keras 3 model: `.keras` (`model.save`), or `.weights.h5` with `config.json` beside it.
    case keras
}

/// Element counts and byte sizes, computed with overflow checks so a header claiming absurd
/// dimensions is an error rather than a crash or a huge allocation.
enum ShapeArithmetic {
    /// product(shape), or a problem when a dimension is negative or the product overflows.
    static func elementCount(_ shape: [Int], what: String) throws(ModelError) -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { throw ModelError("\(what) has a negative dimension \(dimension)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= 1 << 48 else {
                throw ModelError("\(what) has an impossible shape \(shape) (more elements than any file holds)")
            }
            count = product
        }
        return count
    }

    /// `count × itemSize`, checked.
    static func byteCount(_ count: Int, itemSize: Int, what: String) throws(ModelError) -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow else { throw ModelError("\(what) is too large") }
        return bytes
    }
}
