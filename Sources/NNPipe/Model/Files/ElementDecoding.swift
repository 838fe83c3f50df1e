/// Little-endian floating-point element types found in model files, decoded to float64.
enum ElementType: Sendable {
    case float64
    case float32
    case float16
    case bfloat16

    /// Bytes per element.
    var size: Int {
        switch self {
        case .float64: 8
        case .float32: 4
        case .float16, .bfloat16: 2
        }
    }

    /// Decodes `count` little-endian elements starting at `offset` of `bytes`; the caller has
    /// checked that `offset + count * size` lies inside `bytes`.
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { out, initialized in
            let base = bytes.baseAddress! + offset
            switch self {
            case .float64:
                for i in 0..<count { out[i] = Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))) }
            case .float32:
                for i in 0..<count { out[i] = Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))) }
            case .float16:
                for i in 0..<count { out[i] = Self.half(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) }
            case .bfloat16:
                for i in 0..<count { out[i] = Self.bfloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) }
            }
            initialized = count
        }
    }

    /// An IEEE half-precision value from its bits (exact in float64, subnormals included).
    /// Every NaN becomes float64's `.nan`: a converted NaN would keep the half's sign and
    /// payload, and a weight that is not finite is named in a message, which prints `-nan` for
    /// a negative one.
    static func half(_ bits: UInt16) -> Double {
        let value = Float16(bitPattern: bits)
        return value.isNaN ? .nan : Double(value)
    }

    /// A bfloat16 value from its bits: the top half of a float32.
    static func bfloat(_ bits: UInt16) -> Double {
        Double(Float(bitPattern: UInt32(bits) << 16))
    }
}
