import Foundation

/// The room for chunks in flight (read, and not yet written): the reader takes room for each chunk
/// it has read before handing it to the workers, and the writer gives it back once the chunk is
/// written. The first `minChunks` chunks always have room (every worker one chunk being processed
/// and one waiting, the reader and the writer one each); more, up to `maxChunks`, while their
/// input bytes stay within `maxBytes`.
///
/// Why bytes as well as a count: the chunks in flight absorb the reader's and the workers' uneven
/// pace, and with chunks of 256 KiB the six of two workers were too few (W2 at 17 digits: 1.85 s
/// with 6 in flight, 1.63-1.66 with 32, the same CPU time); a count alone would let wide rows'
/// chunks of one 2 MiB block take 64 MiB. A `NSCondition` (a pthread condition variable) rather
/// than a semaphore, which cannot wait for bytes; ThreadSanitizer sees it.
final class ChunksInFlight: @unchecked Sendable {
    // Unchecked: `chunks` and `bytes` are touched only with `condition` locked.
    let minChunks: Int
    let maxChunks: Int
    let maxBytes: Int?
    private let condition = NSCondition()
    private var chunks = 0
    private var bytes = 0

    /// `maxBytes` nil: the count alone bounds the chunks (`max_chunks_in_flight` set).
    init(minChunks: Int, maxChunks: Int, maxBytes: Int?) {
        self.maxChunks = max(1, maxChunks)
        self.minChunks = min(max(1, minChunks), self.maxChunks)
        self.maxBytes = maxBytes
    }

    /// Waits until a chunk of `size` input bytes has room, and takes it.
    func take(_ size: Int) {
        condition.lock()
        defer { condition.unlock() }
        while !hasRoom(for: size) { condition.wait() }
        chunks += 1
        bytes += size
    }

    /// Gives back a written chunk's room (`size`: what ``take(_:)`` was given for it).
    func giveBack(_ size: Int) {
        condition.lock()
        chunks -= 1
        bytes -= size
        condition.signal()
        condition.unlock()
    }

    private func hasRoom(for size: Int) -> Bool {
        if chunks < minChunks { return true }
        guard chunks < maxChunks else { return false }
        guard let maxBytes else { return true }
        return bytes + size <= maxBytes
    }
}
