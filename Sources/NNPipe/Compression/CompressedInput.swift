/// The compressed side of ``GzipReader``: the underlying source read in 256 KiB blocks into one
/// reused buffer, and the errors both decoders (zlib's, ISA-L's) share.
final class CompressedInput {
    let source: ByteSource
    let name: String
    let buffer: UnsafeMutablePointer<UInt8>
    let capacity = 256 * 1024
    /// Whether the source has reported its end.
    private(set) var exhausted = false

    init(source: ByteSource, name: String) {
        self.source = source
        self.name = name
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Reads the next block into ``buffer``; returns its size, 0 once the source has ended.
    func refill() throws -> Int {
        guard !exhausted else { return 0 }
        let count = try source.read(into: buffer, capacity: capacity)
        if count == 0 { exhausted = true }
        return count
    }

    /// What follows the end of a gzip member.
    enum AfterMember {
        /// Another member (its magic bytes are next).
        case member
        /// Nothing, or zero padding to the end of the input (read past).
        case end
    }

    /// Looks at what follows a member that ended at byte `endOffset`, given the input not yet
    /// inflated (`next`, `available`: moved to the start of ``buffer`` and topped up when fewer
    /// than the two magic bytes remain). gzip's own rule: another member, or zero bytes to the
    /// end ("decompression OK, trailing zero bytes ignored": tape and block-device copies pad
    /// with them); anything else is an error naming how many bytes follow, never a short read.
    func afterMember(next: inout UnsafeMutablePointer<UInt8>, available: inout Int, endOffset: Int,
                     allowsPadding: Bool = true) throws -> AfterMember {
        while available < 2 && !exhausted {
            if available > 0 { buffer.update(from: next, count: available) }
            next = buffer
            let count = try source.read(into: buffer + available, capacity: capacity - available)
            if count == 0 { exhausted = true }
            available += count
        }
        if available == 0 { return .end }
        if available >= 2, next[0] == 0x1F, next[1] == 0x8B { return .member }
        var trailing = 0
        var allZero = true
        var block = UnsafeBufferPointer(start: next, count: available)
        while !block.isEmpty {
            trailing += block.count
            if allZero { allZero = !block.contains { $0 != 0 } }
            block = UnsafeBufferPointer(start: buffer, count: try refill())
        }
        next = buffer
        available = 0
        if allZero && allowsPadding { return .end }
        throw Self.trailingData(trailing, at: endOffset, name: name)
    }

    /// `count` bytes after the gzip data that ended at byte `offset` that are neither another
    /// member nor zero padding.
    static func trailingData(_ count: Int, at offset: Int, name: String) -> InputError {
        InputError(.badData, file: name, byteOffset: offset,
                   problem: "\(count) byte\(count == 1 ? "" : "s") after the end of the gzip data at byte offset \(offset) (neither another gzip member nor zero padding)")
    }

    /// The input ended inside a gzip member: a cut-off file, never a short successful read.
    func truncated(at byteOffset: Int) -> InputError {
        InputError(.badData, file: name, byteOffset: byteOffset,
                   problem: "truncated gzip file: the stream ends inside a member (interrupted copy or upload?)")
    }

    func corrupt(_ detail: String, at byteOffset: Int) -> InputError {
        InputError(.badData, file: name, byteOffset: byteOffset, problem: "corrupt gzip data (\(detail))")
    }
}
