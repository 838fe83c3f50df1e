/// Bounds-checked little-endian reads from a file's bytes: every read past the end is a
/// "truncated" problem, never a trap.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    /// What is being read, for messages ("the ZIP central directory").
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0, what: String) {
        self.bytes = bytes
        self.position = position
        self.what = what
    }

    var remaining: Int { bytes.count - position }

    mutating func need(_ count: Int) throws(ModelError) {
        guard count >= 0, position >= 0, position <= bytes.count, count <= bytes.count - position else {
            throw ModelError("\(what) is truncated (needs \(count) bytes at offset \(position), the file has \(bytes.count))")
        }
    }

    mutating func skip(_ count: Int) throws(ModelError) {
        try need(count)
        position += count
    }

    mutating func u8() throws(ModelError) -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws(ModelError) -> UInt16 {
        try need(2)
        defer { position += 2 }
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))
    }

    mutating func u32() throws(ModelError) -> UInt32 {
        try need(4)
        defer { position += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func u64() throws(ModelError) -> UInt64 {
        try need(8)
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func take(_ count: Int) throws(ModelError) -> UnsafeRawBufferPointer {
        try need(count)
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }
}
