/// The compressed side of a gzip decoder (``GzipReader``, ``IsalGzipReader``): the underlying
/// source read in 256 KiB blocks into one reused buffer, and the errors both decoders share.
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

    /// The input ended inside a gzip member: a cut-off file, never a short successful read.
    func truncated(at byteOffset: Int) -> InputError {
        InputError(.badData, file: name, byteOffset: byteOffset,
                   problem: "truncated gzip file: the stream ends inside a member (interrupted copy or upload?)")
    }

    func corrupt(_ detail: String, at byteOffset: Int) -> InputError {
        InputError(.badData, file: name, byteOffset: byteOffset, problem: "corrupt gzip data (\(detail))")
    }
}
