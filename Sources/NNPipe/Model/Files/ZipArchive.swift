import CZlib

/// The members of a ZIP archive (what `np.savez` writes), read through its central directory.
///
/// Sizes come from the central directory, never from the local headers: numpy writes every
/// member with `force_zip64`, so its local headers carry 0xFFFFFFFF placeholders. Members are
/// stored or deflated (inflated with zlib's raw inflate, checked against their CRC-32); ZIP64
/// sizes and offsets are read. Encrypted members and other compression methods are refused.
struct ZipArchive {
    struct Member {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var members: [Member] = []

    init(_ bytes: UnsafeRawBufferPointer) throws(ModelError) {
        self.bytes = bytes
        let (count, directoryOffset, directorySize) = try Self.endOfCentralDirectory(bytes)
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw ModelError("the ZIP central directory lies outside the file (offset \(directoryOffset), \(directorySize) bytes, file \(bytes.count) bytes): truncated?")
        }
        // Each entry takes at least 46 bytes, so the count cannot exceed what the directory holds.
        guard count <= directorySize / 46 + 1 else {
            throw ModelError("the ZIP directory claims \(count) members in \(directorySize) bytes")
        }
        var cursor = ByteCursor(bytes, at: directoryOffset, what: "the ZIP central directory")
        for index in 0..<count {
            guard try cursor.u32() == 0x0201_4b50 else {
                throw ModelError("ZIP central directory entry \(index) has a bad signature: the archive is corrupt")
            }
            try cursor.skip(4)  // versions
            let flags = try cursor.u16()
            let method = try cursor.u16()
            try cursor.skip(4)  // time, date
            let crc = try cursor.u32()
            var compressedSize = Int(try cursor.u32())
            var size = Int(try cursor.u32())
            let nameLength = Int(try cursor.u16())
            let extraLength = Int(try cursor.u16())
            let commentLength = Int(try cursor.u16())
            try cursor.skip(8)  // disk, attributes
            var offset = Int(try cursor.u32())
            let name = String(decoding: try cursor.take(nameLength), as: UTF8.self)
            var extra = ByteCursor(try cursor.take(extraLength), what: "the ZIP extra field of '\(name)'")
            try cursor.skip(commentLength)
            // ZIP64: the sizes and offset that hold 0xFFFFFFFF are in the 0x0001 extra field, in this order.
            while extra.remaining >= 4 {
                let id = try extra.u16()
                let length = Int(try extra.u16())
                var field = ByteCursor(try extra.take(length), what: "the ZIP64 field of '\(name)'")
                guard id == 0x0001 else { continue }
                if size == 0xFFFF_FFFF { size = try Self.int(field.u64(), what: "size of '\(name)'") }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try Self.int(field.u64(), what: "size of '\(name)'") }
                if offset == 0xFFFF_FFFF { offset = try Self.int(field.u64(), what: "offset of '\(name)'") }
            }
            members.append(Member(name: name, method: method, flags: flags, crc: crc, compressedSize: compressedSize,
                                  size: size, localHeaderOffset: offset))
        }
    }

    private static func int(_ value: UInt64, what: String) throws(ModelError) -> Int {
        guard value <= UInt64(Int.max) else { throw ModelError("the ZIP \(what) is impossible (\(value))") }
        return Int(value)
    }

    /// The member count, central directory offset and size, from the end record (ZIP64's when present).
    private static func endOfCentralDirectory(_ bytes: UnsafeRawBufferPointer) throws(ModelError) -> (Int, Int, Int) {
        // The end record is 22 bytes plus a comment of at most 65535 bytes; search backwards.
        guard bytes.count >= 22 else { throw ModelError("the ZIP archive is truncated (\(bytes.count) bytes)") }
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4b, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 { break }
            position -= 1
        }
        guard position >= lowest else {
            throw ModelError("no ZIP end-of-central-directory record: the archive is truncated or not a ZIP file")
        }
        var cursor = ByteCursor(bytes, at: position + 10, what: "the ZIP end record")
        var count = Int(try cursor.u16())
        var size = Int(try cursor.u32())
        var offset = Int(try cursor.u32())
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF, position >= 20 {
            var locator = ByteCursor(bytes, at: position - 20, what: "the ZIP64 end locator")
            if try locator.u32() == 0x0706_4b50 {
                try locator.skip(4)
                let recordOffset = try int(locator.u64(), what: "ZIP64 end record offset")
                var record = ByteCursor(bytes, at: recordOffset, what: "the ZIP64 end record")
                guard try record.u32() == 0x0606_4b50 else { throw ModelError("the ZIP64 end record is missing or corrupt") }
                try record.skip(28)
                count = try int(record.u64(), what: "member count")
                size = try int(record.u64(), what: "central directory size")
                offset = try int(record.u64(), what: "central directory offset")
            }
        }
        return (count, offset, size)
    }

    /// The member's uncompressed bytes, checked against its size and CRC-32.
    func contents(of member: Member) throws(ModelError) -> [UInt8] {
        let name = member.name
        guard member.flags & 1 == 0 else { throw ModelError("ZIP member '\(name)' is encrypted") }
        var local = ByteCursor(bytes, at: member.localHeaderOffset, what: "ZIP member '\(name)'")
        guard try local.u32() == 0x0403_4b50 else {
            throw ModelError("ZIP member '\(name)': no local header at offset \(member.localHeaderOffset): the archive is corrupt")
        }
        try local.skip(22)
        let nameLength = Int(try local.u16())
        let extraLength = Int(try local.u16())
        try local.skip(nameLength + extraLength)
        let data = try local.take(member.compressedSize)
        if let error = MemoryLimit.modelError(allocating: member.size, for: "ZIP member '\(name)'") { throw error }
        let output: [UInt8]
        switch member.method {
        case 0:
            guard member.size == member.compressedSize else {
                throw ModelError("ZIP member '\(name)' is stored but its sizes differ (\(member.compressedSize) and \(member.size))")
            }
            output = Array(data)
        case 8:
            // Deflate expands at most 1032:1; a larger claimed size is a lie, not a reason to allocate.
            guard member.size / 1032 <= member.compressedSize + 1 else {
                throw ModelError("ZIP member '\(name)' claims \(member.size) bytes from \(member.compressedSize) compressed: corrupt")
            }
            output = try Self.inflate(data, size: member.size, name: name)
        default:
            throw ModelError("ZIP member '\(name)' uses compression method \(member.method); only stored (0) and deflate (8) are read")
        }
        let crc = output.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard crc == member.crc else {
            throw ModelError("ZIP member '\(name)' fails its CRC-32 check: the archive is corrupt")
        }
        return output
    }

    /// Inflates raw deflate data (no zlib or gzip wrapper) that must give exactly `size` bytes.
    private static func inflate(_ data: UnsafeRawBufferPointer, size: Int, name: String) throws(ModelError) -> [UInt8] {
        guard data.count <= Int(UInt32.max), size <= Int(UInt32.max) else {
            throw ModelError("ZIP member '\(name)' is larger than 4 GiB; such members are not read")
        }
        var output = [UInt8](repeating: 0, count: size + 1)
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // -15: raw deflate with a 32 KiB window, as ZIP stores it.
        guard CZlib_inflateInit2(stream, -15) == Z_OK else { throw ModelError("zlib could not start inflating") }
        defer { inflateEnd(stream) }
        let status: Int32 = output.withUnsafeMutableBufferPointer { out in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: data.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(data.count)
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = UInt32(out.count)
            return CZlib.inflate(stream, Z_FINISH)
        }
        let produced = Int(stream.pointee.total_out)
        switch status {
        case Z_STREAM_END where produced == size:
            output.removeLast()
            return output
        case Z_STREAM_END:
            throw ModelError("ZIP member '\(name)' inflates to \(produced) bytes but its header says \(size)")
        case Z_BUF_ERROR where produced > size:
            throw ModelError("ZIP member '\(name)' inflates to more than the \(size) bytes its header says")
        case Z_BUF_ERROR:
            throw ModelError("ZIP member '\(name)' is truncated: its compressed data ends early")
        default:
            let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib code \(status)"
            throw ModelError("ZIP member '\(name)' is corrupt: \(detail)")
        }
    }
}
