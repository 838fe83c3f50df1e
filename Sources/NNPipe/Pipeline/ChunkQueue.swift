import Dispatch

/// Chunks read and waiting for a worker, in reading order: the reader puts them, the workers take
/// them. The reader never waits for a worker here (only for room among the chunks in flight), so
/// it keeps reading while every worker is busy.
final class ChunkQueue: Sendable {
    private let state = Locked(State())
    /// One signal for each chunk put, and one for each worker once the queue is closed.
    private let ready = DispatchSemaphore(value: 0)

    private struct State {
        /// Taken chunks are nil until dropped, so the queue never keeps a chunk's bytes alive
        /// after a worker is done with them.
        var chunks: [RawChunk?] = []
        var first = 0
        var closed = false
    }

    /// Adds a chunk after those already waiting.
    func put(_ chunk: RawChunk) {
        state.withLock { $0.chunks.append(chunk) }
        ready.signal()
    }

    /// No more chunks come: each of `workers` takers gets nil once the chunks waiting are taken.
    func close(workers: Int) {
        state.withLock { $0.closed = true }
        for _ in 0..<workers { ready.signal() }
    }

    /// The oldest waiting chunk, waiting for one if none is there; nil once the queue is closed and
    /// empty.
    func take() -> RawChunk? {
        ready.wait()
        return state.withLock { state in
            guard state.first < state.chunks.count else { return nil }
            let chunk = state.chunks[state.first]
            state.chunks[state.first] = nil
            state.first += 1
            // Drop the taken chunks once they are the larger part (amortized O(1) per chunk).
            if state.first * 2 >= state.chunks.count {
                state.chunks.removeFirst(state.first)
                state.first = 0
            }
            return chunk
        }
    }
}

/// Moves a value into a Dispatch closure or a thread. Unchecked: used only for values handed from
/// one thread to the next (a worker's processor, a chunk's result), never touched by two threads
/// at once.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
