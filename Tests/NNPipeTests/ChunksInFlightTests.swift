import Dispatch
import Testing
@testable import NNPipe

/// The room for chunks in flight: a count always allowed, then bytes, then a count at most.
@Suite("chunks in flight, by count and bytes")
struct ChunksInFlightTests {
    /// Takes `size` on another thread; true when it got room within `wait` seconds.
    private func takes(_ limit: ChunksInFlight, _ size: Int, within wait: Double, done: DispatchSemaphore) -> Bool {
        DispatchQueue.global().async {
            limit.take(size)
            done.signal()
        }
        return done.wait(timeout: .now() + wait) == .success
    }

    @Test("the first chunks have room whatever their bytes; later ones while the bytes fit", .timeLimit(.minutes(1)))
    func bytesBeyondTheMinimum() {
        let limit = ChunksInFlight(minChunks: 2, maxChunks: 10, maxBytes: 1000)
        limit.take(900)
        limit.take(900)  // the minimum: room though over the bytes
        let done = DispatchSemaphore(value: 0)
        #expect(!takes(limit, 10, within: 0.2, done: done), "a third chunk past the bytes got room")
        limit.giveBack(900)
        // 900 + 10 fits: the waiting chunk gets room once the bytes allow it.
        #expect(done.wait(timeout: .now() + 10) == .success, "a chunk within the bytes waited")
        limit.take(80)
        #expect(!takes(limit, 20, within: 0.2, done: done), "1010 bytes got room")
        limit.giveBack(80)
        #expect(done.wait(timeout: .now() + 10) == .success)
    }

    @Test("at most maxChunks, however small", .timeLimit(.minutes(1)))
    func countAtMost() {
        let limit = ChunksInFlight(minChunks: 1, maxChunks: 3, maxBytes: 1 << 20)
        for _ in 0..<3 { limit.take(1) }
        let done = DispatchSemaphore(value: 0)
        #expect(!takes(limit, 1, within: 0.2, done: done), "a fourth chunk got room")
        limit.giveBack(1)
        #expect(done.wait(timeout: .now() + 10) == .success)
    }

    @Test("without a byte limit (max_chunks_in_flight set), the count alone; a minimum above it is cut to it",
          .timeLimit(.minutes(1)))
    func countOnly() {
        let limit = ChunksInFlight(minChunks: 34, maxChunks: 2, maxBytes: nil)
        #expect(limit.minChunks == 2)
        limit.take(1 << 30)
        limit.take(1 << 30)
        let done = DispatchSemaphore(value: 0)
        #expect(!takes(limit, 1, within: 0.2, done: done), "a third chunk got room")
        limit.giveBack(1 << 30)
        #expect(done.wait(timeout: .now() + 10) == .success)
    }
}
