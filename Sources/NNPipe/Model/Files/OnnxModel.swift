/// The parts of an ONNX model nnpipe uses, read from its protobuf bytes with
/// ``ProtobufReader`` (field numbers from onnx.proto):
///
/// - `ModelProto`: graph = 7, opset_import = 8 (`OperatorSetIdProto`: domain = 1, version = 2)
/// - `GraphProto`: node = 1, name = 2, initializer = 5, input = 11, output = 12 (`ValueInfoProto`: name = 1)
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
    }

    var nodes: [Node] = []
    var initializers: [OnnxTensor] = []
    var inputs: [String] = []
    var outputs: [String] = []
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
                while let (field, fieldType) = try message.nextField() {
                    if field == 1, fieldType == .lengthDelimited { name = try message.string() } else { try message.skip(fieldType) }
                }
                if number == 11 { inputs.append(name) } else { outputs.append(name) }
            case (15, _):
                throw ModelError("the ONNX graph has sparse initializers, which nnpipe does not read")
            default:
                try reader.skip(type)
            }
        }
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
