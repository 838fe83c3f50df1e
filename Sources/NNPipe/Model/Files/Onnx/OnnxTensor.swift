/// A `TensorProto` as read from the file, decoded only when the network uses it: an unused
/// tensor (skl2onnx's INT32 `classes`, say) is listed by `inspect` and never checked for type.
///
/// Fields (onnx.proto): dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7,
/// name = 8, raw_data = 9, double_data = 10, external_data = 13 (`StringStringEntryProto`:
/// key = 1, value = 2), data_location = 14 (EXTERNAL = 1).
struct OnnxTensor {
    var name = ""
    var dims: [Int64] = []
    var dataType: Int64 = 0
    /// `raw_data`'s byte range in the model file.
    var raw: Range<Int>?
    /// `float_data` or `double_data`.
    var typed: [Double] = []
    /// `int32_data` (also float16 and bfloat16 bits) and `int64_data`.
    var integers: [Int64] = []
    /// `external_data` entries (`location`, `offset`, `length`), when `data_location` is EXTERNAL.
    var external: [String: String]?

    /// The data type's name as onnx.proto spells it (`FLOAT`, `INT64`).
    var typeName: String {
        let names: [Int64: String] = [0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32",
                                      7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64",
                                      14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16"]
        return names[dataType] ?? "type \(dataType)"
    }

    /// The shape for listings, without checks.
    var listedShape: [Int] { dims.map { Int(clamping: $0) } }

    /// Whether the values are floating point (FLOAT, DOUBLE, FLOAT16, BFLOAT16).
    var isFloatingPoint: Bool { [1, 10, 11, 16].contains(dataType) }

    /// Reads one `TensorProto`, keeping where its data is.
    static func read(_ reader: inout ProtobufReader) throws(ModelError) -> OnnxTensor {
        var tensor = OnnxTensor()
        var location: Int64 = 0
        var entries: [String: String] = [:]
        while let (number, type) = try reader.nextField() {
            switch (number, type) {
            case (1, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &tensor.dims)
            case (2, .varint): tensor.dataType = try reader.int64()
            case (3, _): throw ModelError("ONNX tensor '\(tensor.name)' is segmented, which nnpipe does not read")
            case (4, _): try reader.floats(type, into: &tensor.typed)
            case (5, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &tensor.integers)
            case (7, _) where type == .varint || type == .lengthDelimited: try reader.int64s(type, into: &tensor.integers)
            case (8, .lengthDelimited): tensor.name = try reader.string()
            case (9, .lengthDelimited): tensor.raw = try reader.lengthDelimited()
            case (10, _): try reader.doubles(type, into: &tensor.typed)
            case (13, .lengthDelimited):
                var entry = try reader.message("StringStringEntryProto")
                var key = "", value = ""
                while let (field, fieldType) = try entry.nextField() {
                    switch (field, fieldType) {
                    case (1, .lengthDelimited): key = try entry.string()
                    case (2, .lengthDelimited): value = try entry.string()
                    default: try entry.skip(fieldType)
                    }
                }
                entries[key] = value
            case (14, .varint): location = try reader.int64()
            default: try reader.skip(type)
            }
        }
        if location == 1 { tensor.external = entries }
        return tensor
    }

    /// The tensor's values as float64, from `raw_data`, the typed fields or its external data
    /// file. `allowIntegers` admits INT64 and INT32 (a `Reshape`'s shape); otherwise only the
    /// floating-point types are read.
    func decode(_ bytes: UnsafeRawBufferPointer, external data: inout OnnxExternalData, allowIntegers: Bool = false)
        throws(ModelError) -> Tensor
    {
        let what = "ONNX tensor '\(name)'"
        /// The element type, or for integers their byte size.
        let element: ElementType?, integerSize: Int
        switch dataType {
        case 1: (element, integerSize) = (.float32, 0)
        case 11: (element, integerSize) = (.float64, 0)
        case 10: (element, integerSize) = (.float16, 0)
        case 16: (element, integerSize) = (.bfloat16, 0)
        case 6 where allowIntegers: (element, integerSize) = (nil, 4)
        case 7 where allowIntegers: (element, integerSize) = (nil, 8)
        default:
            let kinds = allowIntegers ? "FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32 and INT64" : "FLOAT, DOUBLE, FLOAT16 and BFLOAT16"
            throw ModelError("\(what) has data type \(dataType) (\(typeName)); nnpipe reads \(kinds) for the tensors a network uses")
        }
        let itemSize = element?.size ?? integerSize
        var shape: [Int] = []
        for dim in dims {
            guard dim >= 0, dim <= 1 << 48 else { throw ModelError("\(what) has an impossible dimension \(dim)") }
            shape.append(Int(dim))
        }
        let count = try ShapeArithmetic.elementCount(shape, what: what)
        let values: [Double]
        if let external {
            let size = try ShapeArithmetic.byteCount(count, itemSize: itemSize, what: what)
            let stored = try data.bytes(for: name, entries: external, size: size)
            values = stored.withUnsafeBytes { Self.decode($0, offset: 0, count: count, element: element, integerSize: integerSize) }
        } else if let raw {
            let size = try ShapeArithmetic.byteCount(count, itemSize: itemSize, what: what)
            guard raw.count == size else {
                throw ModelError("\(what): shape \(shape) of \(typeName) needs \(size) bytes of raw_data, found \(raw.count)")
            }
            values = Self.decode(bytes, offset: raw.lowerBound, count: count, element: element, integerSize: integerSize)
        } else {
            switch element {
            case .float16: values = integers.map { ElementType.half(UInt16(truncatingIfNeeded: $0)) }
            case .bfloat16: values = integers.map { ElementType.bfloat(UInt16(truncatingIfNeeded: $0)) }
            case nil: values = integers.map { Double($0) }
            case .float32, .float64: values = typed
            }
        }
        guard values.count == count else {
            throw ModelError("\(what): shape \(shape) needs \(count) values, the file holds \(values.count)")
        }
        return Tensor(name: name, shape: shape, dtype: typeName, values: values)
    }

    /// `count` little-endian elements at `offset`: floating point through ``ElementType``,
    /// INT32 or INT64 (`integerSize` 4 or 8) as float64.
    private static func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, element: ElementType?,
                               integerSize: Int) -> [Double] {
        if let element { return element.decode(bytes, offset: offset, count: count) }
        return (0..<count).map { i in
            integerSize == 4
                ? Double(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + i * 4, as: Int32.self)))
                : Double(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + i * 8, as: Int64.self)))
        }
    }
}
