import Dispatch

/// The workers' processors: taken by the reader before dispatching a chunk (waiting while all are
/// busy, which caps the parallelism at the worker count), given back by the worker.
final class ProcessorPool: Sendable {
    private let free: Locked<[SendableBox<ChunkProcessor>]>
    private let available: DispatchSemaphore

    init(_ processors: [ChunkProcessor]) {
        free = Locked(processors.map(SendableBox.init))
        available = DispatchSemaphore(value: processors.count)
    }

    func take() -> ChunkProcessor {
        available.wait()
        return free.withLock { $0.removeLast().value }
    }

    func put(_ processor: ChunkProcessor) {
        free.withLock { $0.append(SendableBox(processor)) }
        available.signal()
    }
}

/// Moves a value into a Dispatch closure. Unchecked: used only for values handed from one thread
/// to the next (a chunk and its processor to a worker), never touched by two threads at once.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
