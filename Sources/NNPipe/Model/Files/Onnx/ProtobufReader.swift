/// Reads protobuf's wire format: a sequence of fields, each a key (field number and wire
/// type, as a varint) and a value: a varint (type 0), 8 bytes (type 1), a length-prefixed
/// run of bytes (type 2: strings, bytes, nested messages, packed numbers) or 4 bytes (type 5).
///
/// Every read is bounds-checked against the enclosing message, so a truncated or corrupt
/// file is a problem naming the offset, never a trap.
struct ProtobufReader {
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int
    /// The message being read, for messages (`ModelProto.graph`).
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil, what: String) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.what = what
    }

    var isAtEnd: Bool { position >= end }

    func problem(_ text: String) -> ModelError {
        ModelError("ONNX \(what) at byte \(position): \(text)")
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws(ModelError) -> (number: Int, type: WireType)? {
        guard position < end else { return nil }
        let key = try varint()
        guard let type = WireType(rawValue: key & 7) else {
            throw problem("unsupported protobuf wire type \(key & 7) (corrupt or not an ONNX file)")
        }
        let number = key >> 3
        guard number > 0, number < 1 << 29 else { throw problem("invalid protobuf field number \(number)") }
        return (Int(number), type)
    }

    mutating func varint() throws(ModelError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw problem("truncated varint") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw problem("varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A varint read as a signed 64-bit integer (int64 fields: two's complement).
    mutating func int64() throws(ModelError) -> Int64 { Int64(bitPattern: try varint()) }

    mutating func fixed32() throws(ModelError) -> UInt32 {
        guard end - position >= 4 else { throw problem("truncated 32-bit field") }
        defer { position += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func fixed64() throws(ModelError) -> UInt64 {
        guard end - position >= 8 else { throw problem("truncated 64-bit field") }
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// The byte range of a length-delimited field's value.
    mutating func lengthDelimited() throws(ModelError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw problem("a field of \(length) bytes runs past the end of its message (\(end - position) bytes left): truncated?")
        }
        let range = position..<position + Int(length)
        position = range.upperBound
        return range
    }

    mutating func string() throws(ModelError) -> String {
        let range = try lengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A nested message's reader.
    mutating func message(_ name: String) throws(ModelError) -> ProtobufReader {
        ProtobufReader(bytes, range: try lengthDelimited(), what: name)
    }

    mutating func skip(_ type: WireType) throws(ModelError) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32: _ = try fixed32()
        }
    }

    /// Repeated int64 values, packed (one length-delimited run) or one per field.
    mutating func int64s(_ type: WireType, into values: inout [Int64]) throws(ModelError) {
        switch type {
        case .varint: values.append(try int64())
        case .lengthDelimited:
            var packed = ProtobufReader(bytes, range: try lengthDelimited(), what: what)
            while !packed.isAtEnd { values.append(try packed.int64()) }
        default: throw problem("an integer list with wire type \(type.rawValue)")
        }
    }

    /// Repeated float (type 5 / packed) values.
    mutating func floats(_ type: WireType, into values: inout [Double]) throws(ModelError) {
        switch type {
        case .fixed32: values.append(Double(Float(bitPattern: try fixed32())))
        case .lengthDelimited:
            let range = try lengthDelimited()
            guard range.count % 4 == 0 else { throw problem("packed floats of \(range.count) bytes (not a multiple of 4)") }
            values += ElementType.float32.decode(bytes, offset: range.lowerBound, count: range.count / 4)
        default: throw problem("a float list with wire type \(type.rawValue)")
        }
    }

    /// Repeated double (type 1 / packed) values.
    mutating func doubles(_ type: WireType, into values: inout [Double]) throws(ModelError) {
        switch type {
        case .fixed64: values.append(Double(bitPattern: try fixed64()))
        case .lengthDelimited:
            let range = try lengthDelimited()
            guard range.count % 8 == 0 else { throw problem("packed doubles of \(range.count) bytes (not a multiple of 8)") }
            values += ElementType.float64.decode(bytes, offset: range.lowerBound, count: range.count / 8)
        default: throw problem("a double list with wire type \(type.rawValue)")
        }
    }
}
