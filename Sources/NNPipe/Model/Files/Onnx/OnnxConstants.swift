/// The constant values an ONNX graph's nodes read: initializers, `Constant` nodes and what
/// nnpipe folds from them (a `Transpose` or `Cast` of a weight), decoded when first read.
///
/// Only what the network reads is decoded, so a tensor nothing reads may have any type, and its
/// external data file need not exist; ``used`` lists the initializers read.
struct OnnxConstants {
    /// The model file's bytes (valid while it is being decoded).
    let bytes: UnsafeRawBufferPointer
    var external: OnnxExternalData
    private var records: [String: OnnxTensor] = [:]
    private var folded: [String: Tensor] = [:]
    private let initializerNames: Set<String>
    /// The initializers the network has read.
    private(set) var used: Set<String> = []

    init(_ model: OnnxModel, bytes: UnsafeRawBufferPointer, external: OnnxExternalData) {
        self.bytes = bytes
        self.external = external
        for tensor in model.initializers { records[tensor.name] = tensor }
        initializerNames = Set(model.initializers.map(\.name))
    }

    /// Whether `name` is a constant (so not a value computed from the input).
    func contains(_ name: String) -> Bool { records[name] != nil || folded[name] != nil }

    /// Whether `name` is a stored floating-point tensor of FLOAT type or narrower (for tolerances).
    func isSinglePrecision(_ name: String) -> Bool {
        if let record = records[name] { return record.dataType != 11 }
        return folded[name].map { $0.dtype != "DOUBLE" } ?? false
    }

    /// A `Constant` node's value, under its output's name.
    mutating func add(_ tensor: OnnxTensor, as name: String) {
        var tensor = tensor
        tensor.name = name
        records[name] = tensor
    }

    /// A value folded from constants (a transposed weight), under `name`.
    mutating func set(_ tensor: Tensor, as name: String) {
        folded[name] = tensor
        records[name] = nil
    }

    /// The constant `name`, decoded: floating point, or also INT32/INT64 with `allowIntegers`.
    mutating func tensor(_ name: String, for node: OnnxModel.Node, allowIntegers: Bool = false) throws(ModelError) -> Tensor {
        if let tensor = folded[name] { return tensor }
        guard let record = records[name] else {
            throw ModelError("\(node.label): input '\(name)' is not a weight (an initializer or Constant); nnpipe runs chains of dense layers only")
        }
        if initializerNames.contains(name) { used.insert(name) }
        let tensor = try record.decode(bytes, external: &external, allowIntegers: allowIntegers)
        if record.isFloatingPoint { folded[name] = tensor }
        return tensor
    }

    /// Initializer `name` as decoded for the network, if it was (floating point only).
    func decoded(_ name: String) -> Tensor? {
        initializerNames.contains(name) && records[name] != nil ? folded[name] : nil
    }

    /// The single value of a one-element constant, or nil when `name` is not one.
    mutating func scalar(_ name: String, for node: OnnxModel.Node) throws(ModelError) -> Double? {
        guard contains(name) else { return nil }
        let tensor = try tensor(name, for: node)
        return tensor.values.count == 1 ? tensor.values[0] : nil
    }
}
