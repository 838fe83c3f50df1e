/// The parts of an ONNX model nnpipe uses, read from its protobuf bytes with
/// ``ProtobufReader`` (field numbers from onnx.proto):
///
/// - `ModelProto`: graph = 7, opset_import = 8 (`OperatorSetIdProto`: domain = 1, version = 2)
/// - `GraphProto`: node = 1, name = 2, initializer = 5, input = 11, output = 12 (`ValueInfoProto`:
///   name = 1, type = 2; `TypeProto`: tensor_type = 1; `TypeProto.Tensor`: elem_type = 1)
/// - `NodeProto`: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7
/// - `AttributeProto`: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20
/// - `TensorProto`: see ``OnnxTensor``, which keeps where each tensor's data is and decodes it
///   only when the network uses it
///
/// Everything else is skipped.
struct OnnxModel {
    struct Attribute {
        var name = ""
        var float: Double?
        var int: Int64?
        var string: String?
        var tensor: OnnxTensor?
        var ints: [Int64] = []
        var floats: [Double] = []

        /// The shortest decimal that rounds to `stored` (0.2 for 0.2f, 1e-05 for 1e-5f): the
        /// double an exporter wrote as this float32. Every float attribute of a float64 graph is
        /// read through here.
        static func exporterDecimal(_ stored: Float) -> Double {
            // Float.description is the shortest text that reads back to the same float32.
            Double(stored.description) ?? Double(stored)
        }
    }

    struct Node {
        var name = ""
        var opType = ""
        var domain = ""
        var inputs: [String] = []
        var outputs: [String] = []
        var attributes: [Attribute] = []

        /// How messages name the node: `Gemm node 'fc1'` or `Gemm node 3`.
        var label: String = ""

        func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }

        /// The FLOAT attribute `name` as the framework computed with it, or `fallback` when the
        /// node has none. ONNX stores float attributes as float32 (LeakyRelu's alpha 0.2 is kept
        /// as 0.20000000298023224): a float32 graph computed with that float32 itself; a float64
        /// graph's framework computed with a double that the exporter rounded to float32, which
        /// is the shortest decimal that rounds to the stored value (``Attribute/exporterDecimal(_:)``).
        func float(_ name: String, default fallback: Double, doubleGraph: Bool) -> Double {
            guard let stored = attribute(name)?.float else { return fallback }
            return doubleGraph ? Attribute.exporterDecimal(Float(stored)) : stored
        }
    }

    var nodes: [Node] = []
    var initializers: [OnnxTensor] = []
    var inputs: [String] = []
    var outputs: [String] = []
    /// `TensorProto.DataType` DOUBLE.
    static let doubleType: Int64 = 11
    /// The element type (`TensorProto.DataType`: 1 FLOAT, 11 DOUBLE) of each graph input that declares one.
    var inputTypes: [String: Int64] = [:]
    /// The default-domain operator set version, when the file gives one.
    var opsetVersion: Int64?

    /// Parses a `ModelProto`; a file without a graph is a problem.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(ModelError) -> OnnxModel {
        var model = OnnxModel()
        var reader = ProtobufReader(bytes, what: "ModelProto")
        var sawGraph = false
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (7, .lengthDelimited):
                var graph = try reader.message("GraphProto")
                try model.readGraph(&graph)
                sawGraph = true
            case (8, .lengthDelimited):
                var opset = try reader.message("OperatorSetIdProto")
                var domain = "", version: Int64?
                while let (field, fieldType) = try opset.nextField() {
                    switch (field, fieldType) {
                    case (1, .lengthDelimited): domain = try opset.string()
                    case (2, .varint): version = try opset.int64()
                    default: try opset.skip(fieldType)
                    }
                }
                if domain.isEmpty || domain == "ai.onnx" { model.opsetVersion = version }
            default:
                try reader.skip(type)
            }
        }
        guard sawGraph else { throw ModelError("the ONNX model has no graph") }
        return model
    }

    private mutating func readGraph(_ reader: inout ProtobufReader) throws(ModelError) {
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, .lengthDelimited):
                var message = try reader.message("NodeProto")
                var node = try Self.readNode(&message)
                node.label = node.name.isEmpty ? "\(node.opType) node \(nodes.count)" : "\(node.opType) node '\(node.name)'"
                nodes.append(node)
            case (5, .lengthDelimited):
                var message = try reader.message("TensorProto")
                initializers.append(try OnnxTensor.read(&message))
            case (11, .lengthDelimited), (12, .lengthDelimited):
                var message = try reader.message("ValueInfoProto")
                var name = ""
                var elementType: Int64?
                while let (field, fieldType) = try message.nextField() {
                    switch (field, fieldType) {
                    case (1, .lengthDelimited): name = try message.string()
                    case (2, .lengthDelimited):
                        var type = try message.message("TypeProto")
                        elementType = try Self.tensorElementType(&type)
                    default: try message.skip(fieldType)
                    }
                }
                if number == 11 {
                    inputs.append(name)
                    if let elementType { inputTypes[name] = elementType }
                } else {
                    outputs.append(name)
                }
            case (15, _):
                throw ModelError("the ONNX graph has sparse initializers, which nnpipe does not read")
            default:
                try reader.skip(type)
            }
        }
    }

    /// The `elem_type` of a `TypeProto` that is a tensor type, or nil.
    private static func tensorElementType(_ reader: inout ProtobufReader) throws(ModelError) -> Int64? {
        var elementType: Int64?
        while let (number, type) = try reader.nextField() {
            guard number == 1, type == .lengthDelimited else {
                try reader.skip(type)
                continue
            }
            var tensor = try reader.message("TypeProto.Tensor")
            while let (field, fieldType) = try tensor.nextField() {
                if field == 1, fieldType == .varint { elementType = try tensor.int64() } else { try tensor.skip(fieldType) }
            }
        }
        return elementType
    }

    private static func readNode(_ reader: inout ProtobufReader) throws(ModelError) -> Node {
        var node = Node()
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, .lengthDelimited): node.inputs.append(try reader.string())
            case (2, .lengthDelimited): node.outputs.append(try reader.string())
            case (3, .lengthDelimited): node.name = try reader.string()
            case (4, .lengthDelimited): node.opType = try reader.string()
            case (7, .lengthDelimited): node.domain = try reader.string()
            case (5, .lengthDelimited):
                var message = try reader.message("AttributeProto")
                node.attributes.append(try readAttribute(&message))
            default: try reader.skip(type)
            }
        }
        return node
    }

    private static func readAttribute(_ reader: inout ProtobufReader) throws(ModelError) -> Attribute {
        var attribute = Attribute()
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, .lengthDelimited): attribute.name = try reader.string()
            case (2, .fixed32): attribute.float = Double(Float(bitPattern: try reader.fixed32()))
            case (3, .varint): attribute.int = try reader.int64()
            case (4, .lengthDelimited): attribute.string = try reader.string()
            case (5, .lengthDelimited):
                var message = try reader.message("TensorProto")
                attribute.tensor = try OnnxTensor.read(&message)
            case (7, _) where type != .varint: try reader.floats(type, into: &attribute.floats)
            case (8, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &attribute.ints)
            default: try reader.skip(type)
            }
        }
        return attribute
    }
}
