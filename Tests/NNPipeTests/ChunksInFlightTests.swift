import Foundation
import Testing
@testable import NNPipe

/// The room for chunks in flight: a count always allowed, then bytes, then a count at most.
///
/// Every `take` runs on a thread of its own and the test waits for it with a bound, so a limiter
/// that wrongly blocks fails a check instead of hanging. (No `.timeLimit`: in a loaded full suite
/// on 2 cores, CI's, all three passed a one-minute limit at the same moment, though alone they take
/// 0.4 s; a bound on each wait holds whatever the load.)
@Suite("chunks in flight, by count and bytes")
struct ChunksInFlightTests {
    /// How long a take that should get room may take: only reached when it fails.
    private static let room = 60.0
    /// How long a take that should wait is watched.
    private static let watch = 0.2

    /// Starts `limit.take(size)` on a new thread; returns the semaphore it signals once it has room.
    private func startTaking(_ limit: ChunksInFlight, _ size: Int) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread {
            limit.take(size)
            done.signal()
        }.start()
        return done
    }

    /// True when `limit.take(size)` gets room within `wait` seconds; otherwise the take is left
    /// waiting and its semaphore comes back to wait on later.
    private func takes(_ limit: ChunksInFlight, _ size: Int, within wait: Double) -> (Bool, DispatchSemaphore) {
        let done = startTaking(limit, size)
        return (done.wait(timeout: .now() + wait) == .success, done)
    }

    @Test("the first chunks have room whatever their bytes; later ones while the bytes fit")
    func bytesBeyondTheMinimum() {
        let limit = ChunksInFlight(minChunks: 2, maxChunks: 10, maxBytes: 1000)
        #expect(takes(limit, 900, within: Self.room).0)
        #expect(takes(limit, 900, within: Self.room).0, "the minimum: room though over the bytes")
        let (third, thirdDone) = takes(limit, 10, within: Self.watch)
        #expect(!third, "a third chunk past the bytes got room")
        limit.giveBack(900)
        // 900 + 10 fits: the waiting chunk gets room once the bytes allow it.
        #expect(thirdDone.wait(timeout: .now() + Self.room) == .success, "a chunk within the bytes waited")
        #expect(takes(limit, 80, within: Self.room).0, "990 bytes in four chunks")
        let (fifth, fifthDone) = takes(limit, 20, within: Self.watch)
        #expect(!fifth, "1010 bytes got room")
        limit.giveBack(80)
        #expect(fifthDone.wait(timeout: .now() + Self.room) == .success)
    }

    @Test("at most maxChunks, however small")
    func countAtMost() {
        let limit = ChunksInFlight(minChunks: 1, maxChunks: 3, maxBytes: 1 << 20)
        for n in 1...3 { #expect(takes(limit, 1, within: Self.room).0, "chunk \(n) of 3") }
        let (fourth, fourthDone) = takes(limit, 1, within: Self.watch)
        #expect(!fourth, "a fourth chunk got room")
        limit.giveBack(1)
        #expect(fourthDone.wait(timeout: .now() + Self.room) == .success)
    }

    @Test("without a byte limit (max_chunks_in_flight set), the count alone; a minimum above it is cut to it")
    func countOnly() {
        let limit = ChunksInFlight(minChunks: 34, maxChunks: 2, maxBytes: nil)
        #expect(limit.minChunks == 2)
        #expect(takes(limit, 1 << 30, within: Self.room).0)
        #expect(takes(limit, 1 << 30, within: Self.room).0)
        let (third, thirdDone) = takes(limit, 1, within: Self.watch)
        #expect(!third, "a third chunk got room")
        limit.giveBack(1 << 30)
        #expect(thirdDone.wait(timeout: .now() + Self.room) == .success)
    }
}
