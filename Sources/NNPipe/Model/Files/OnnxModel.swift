/// The parts of an ONNX model nnpipe uses, read from its protobuf bytes with
/// ``ProtobufReader`` (field numbers from onnx.proto):
///
/// - `ModelProto`: graph = 7, opset_import = 8 (`OperatorSetIdProto`: domain = 1, version = 2)
/// - `GraphProto`: node = 1, name = 2, initializer = 5, input = 11, output = 12 (`ValueInfoProto`: name = 1)
/// - `NodeProto`: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7
/// - `AttributeProto`: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20
/// - `TensorProto`: dims = 1, data_type = 2, float_data = 4, int32_data = 5, name = 8,
///   raw_data = 9, double_data = 10, data_location = 14; data types FLOAT = 1, FLOAT16 = 10,
///   DOUBLE = 11, BFLOAT16 = 16
///
/// Everything else is skipped.
struct OnnxModel {
    struct Attribute {
        var name = ""
        var float: Double?
        var int: Int64?
        var string: String?
        var tensor: Tensor?
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
    var initializers: [Tensor] = []
    var inputs: [String] = []
    var outputs: [String] = []
    /// The default-domain operator set version, when the file gives one.
    var opsetVersion: Int64?

    /// Parses a `ModelProto`; a file without a graph is a problem.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(ModelFileProblem) -> OnnxModel {
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
        guard sawGraph else { throw ModelFileProblem("the ONNX model has no graph") }
        return model
    }

    private mutating func readGraph(_ reader: inout ProtobufReader) throws(ModelFileProblem) {
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, .lengthDelimited):
                var message = try reader.message("NodeProto")
                var node = try Self.readNode(&message)
                node.label = node.name.isEmpty ? "\(node.opType) node \(nodes.count)" : "\(node.opType) node '\(node.name)'"
                nodes.append(node)
            case (5, .lengthDelimited):
                var message = try reader.message("TensorProto")
                initializers.append(try Self.readTensor(&message))
            case (11, .lengthDelimited), (12, .lengthDelimited):
                var message = try reader.message("ValueInfoProto")
                var name = ""
                while let (field, fieldType) = try message.nextField() {
                    if field == 1, fieldType == .lengthDelimited { name = try message.string() } else { try message.skip(fieldType) }
                }
                if number == 11 { inputs.append(name) } else { outputs.append(name) }
            case (15, _):
                throw ModelFileProblem("the ONNX graph has sparse initializers, which nnpipe does not read")
            default:
                try reader.skip(type)
            }
        }
    }

    private static func readNode(_ reader: inout ProtobufReader) throws(ModelFileProblem) -> Node {
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

    private static func readAttribute(_ reader: inout ProtobufReader) throws(ModelFileProblem) -> Attribute {
        var attribute = Attribute()
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, .lengthDelimited): attribute.name = try reader.string()
            case (2, .fixed32): attribute.float = Double(Float(bitPattern: try reader.fixed32()))
            case (3, .varint): attribute.int = try reader.int64()
            case (4, .lengthDelimited): attribute.string = try reader.string()
            case (5, .lengthDelimited):
                var message = try reader.message("TensorProto")
                attribute.tensor = try readTensor(&message)
            case (7, _) where type != .varint: try reader.floats(type, into: &attribute.floats)
            case (8, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &attribute.ints)
            default: try reader.skip(type)
            }
        }
        return attribute
    }

    /// A `TensorProto` as a ``Tensor``: float, double, float16 or bfloat16, from `raw_data`
    /// (little-endian) or the typed fields.
    static func readTensor(_ reader: inout ProtobufReader) throws(ModelFileProblem) -> Tensor {
        var dims: [Int64] = []
        var dataType: Int64 = 0
        var name = ""
        var raw: Range<Int>?
        var typed: [Double] = []
        var int32s: [Int64] = []
        var external = false
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &dims)
            case (2, .varint): dataType = try reader.int64()
            case (3, _): throw ModelFileProblem("ONNX tensor '\(name)' is segmented, which nnpipe does not read")
            case (4, _): try reader.floats(type, into: &typed)
            case (5, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &int32s)
            case (8, .lengthDelimited): name = try reader.string()
            case (9, .lengthDelimited): raw = try reader.lengthDelimited()
            case (10, _): try reader.doubles(type, into: &typed)
            case (14, .varint): external = try reader.varint() == 1
            default: try reader.skip(type)
            }
        }
        let what = "ONNX tensor '\(name)'"
        guard !external else {
            throw ModelFileProblem("\(what) keeps its data in an external file, which nnpipe does not read; export with the weights inside the model")
        }
        let dtype: String, element: ElementType
        switch dataType {
        case 1: (dtype, element) = ("FLOAT", .float32)
        case 11: (dtype, element) = ("DOUBLE", .float64)
        case 10: (dtype, element) = ("FLOAT16", .float16)
        case 16: (dtype, element) = ("BFLOAT16", .bfloat16)
        default:
            throw ModelFileProblem("\(what) has data type \(dataType) (\(typeName(dataType))); nnpipe reads FLOAT, DOUBLE, FLOAT16 and BFLOAT16")
        }
        var shape: [Int] = []
        for dim in dims {
            guard dim >= 0, dim <= 1 << 48 else { throw ModelFileProblem("\(what) has an impossible dimension \(dim)") }
            shape.append(Int(dim))
        }
        let count = try ShapeArithmetic.elementCount(shape, what: what)
        let values: [Double]
        if let raw {
            let size = try ShapeArithmetic.byteCount(count, itemSize: element.size, what: what)
            guard raw.count == size else {
                throw ModelFileProblem("\(what): shape \(shape) of \(dtype) needs \(size) bytes of raw_data, found \(raw.count)")
            }
            values = element.decode(reader.bytes, offset: raw.lowerBound, count: count)
        } else if element == .float16 || element == .bfloat16 {
            values = int32s.map { element == .float16 ? ElementType.half(UInt16(truncatingIfNeeded: $0)) : ElementType.bfloat(UInt16(truncatingIfNeeded: $0)) }
        } else {
            values = typed
        }
        guard values.count == count else {
            throw ModelFileProblem("\(what): shape \(shape) needs \(count) values, the file holds \(values.count)")
        }
        return Tensor(name: name, shape: shape, dtype: dtype, values: values)
    }

    private static func typeName(_ type: Int64) -> String {
        let names = [0: "UNDEFINED", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING",
                     9: "BOOL", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128"]
        return names[Int(type)] ?? "unknown"
    }
}
