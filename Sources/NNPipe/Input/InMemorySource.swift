/// Bytes already in memory as a ``ByteSource``: one part of a compressed file, handed to a
/// decoder on a worker thread. `base` is the part's offset in the file, so that the decoder's
/// errors name offsets in the file, not in the part.
final class InMemorySource: ByteSource {
    private let bytes: [UInt8]
    private let base: Int
    private var offset = 0

    init(_ bytes: [UInt8], base: Int) {
        self.bytes = bytes
        self.base = base
    }

    var bytesConsumed: Int { base + offset }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + offset, count: count) }
        offset += count
        return count
    }
}
