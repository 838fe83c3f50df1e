import Dispatch

/// The forward stage's parallelism: chunks submitted in reading order are processed on Dispatch's
/// pool, each by one of the pool's ``ChunkProcessor``s, and their results handed to `deliver`.
///
/// ```
///  reader ─submit─▶ waiting chunks ─▶ work item: processor k · chunk i ─▶ deliver(result i)
///                   (never waits)     (at most `processors.count` at once, on Dispatch's pool)
/// ```
/// A processor is either idle or running one work item; a work item that finishes a chunk takes the
/// next waiting one with the same processor (after ``chunksPerItem`` of them in a new work item, so
/// that other Dispatch work such as a decoder's parts interleaves), or puts its processor back on
/// the idle list. So the number of
/// processors is an exact cap on chunks processed at once, no work item ever waits on another,
/// and the reader never waits for a worker (only, outside the pool, for room among the chunks in
/// flight). While a work item runs, its thread is named `nnpipe-worker-N` and is ``WorkerPriority``
/// steps nicer than the reader; both are restored when it ends.
final class WorkerPool: @unchecked Sendable {
    // Unchecked: `state` is behind its lock; each processor is used by one work item at a time
    // (it leaves the idle list for the item's duration); `deliver` is Sendable.
    private let processors: [ChunkProcessor]
    private let deliver: @Sendable (ChunkResult) -> Void
    private let niceness: Int32?
    private let queue = DispatchQueue(label: "nnpipe.workers", attributes: .concurrent)
    /// One member per work item started and not yet ended.
    private let running = DispatchGroup()
    private let state: Locked<State>
    /// Chunks one work item processes at most before it hands its processor to a new item.
    static let chunksPerItem = 8

    private struct State {
        /// Submitted chunks no work item has taken yet, oldest first from `first` (taken ones are nil).
        var waiting: [RawChunk?] = []
        var first = 0
        /// Indices of the processors no work item holds.
        var idle: [Int]

        mutating func take() -> RawChunk? {
            guard first < waiting.count else { return nil }
            let chunk = waiting[first]
            waiting[first] = nil
            first += 1
            // Drop the taken chunks once they are the larger part (amortized O(1) per chunk).
            if first * 2 >= waiting.count {
                waiting.removeFirst(first)
                first = 0
            }
            return chunk
        }
    }

    /// A pool over `processors` (one per worker); `deliver` is called with each chunk's result, on
    /// the work item's thread, in any order.
    init(processors: [ChunkProcessor], niceness: Int32?, deliver: @escaping @Sendable (ChunkResult) -> Void) {
        self.processors = processors
        self.niceness = niceness
        self.deliver = deliver
        state = Locked(State(idle: Array(processors.indices.reversed())))
    }

    /// Hands a chunk to the workers; returns at once.
    func submit(_ chunk: RawChunk) {
        let worker: Int? = state.withLock { state in
            if let worker = state.idle.popLast() { return worker }
            state.waiting.append(chunk)
            return nil
        }
        if let worker { start(worker, with: chunk) }
    }

    /// Waits until every chunk submitted has been processed and delivered. Submit nothing after.
    func join() {
        running.wait()
    }

    private func start(_ worker: Int, with chunk: RawChunk) {
        running.enter()
        let handoff = Handoff(chunk)
        queue.async { [self] in
            // Up to `chunksPerItem` chunks in one item while chunks wait: the thread keeps its
            // caches and its name and niceness, and other Dispatch work still gets a turn.
            let next: RawChunk? = WorkerPriority.running(as: "nnpipe-worker-\(worker + 1)", niceness: niceness) {
                var chunk = handoff.take()
                var done = 0
                while chunk != nil {
                    // The chunk's bytes go before its result is delivered: the writer may make
                    // room for the reader's next chunk at once, and the chunks in flight bound the
                    // memory only if a chunk written is also a chunk freed.
                    let result: ChunkResult
                    do {
                        guard let current = chunk.take() else { break }
                        result = processors[worker].process(current)
                    }
                    deliver(result)
                    done += 1
                    chunk = state.withLock { state in
                        if let next = state.take() { return next }
                        state.idle.append(worker)
                        return nil
                    }
                    if done == Self.chunksPerItem { return chunk }
                }
                return nil
            }
            if let next { start(worker, with: next) }
            running.leave()
        }
    }
}

/// A chunk handed to a work item, taken out when the item starts: the item's closure lives until
/// its last chunk is done, and must not keep its first chunk's bytes that long (with 16 workers,
/// 16 chunks more in memory than the chunks in flight allow).
private final class Handoff: @unchecked Sendable {
    // Unchecked: set by the submitting thread before the work item is queued, taken once by it.
    private var chunk: RawChunk?
    init(_ chunk: RawChunk) { self.chunk = chunk }
    func take() -> RawChunk? {
        defer { chunk = nil }
        return chunk
    }
}
