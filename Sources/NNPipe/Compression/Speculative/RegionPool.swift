import Dispatch
import Glibc

/// A region of a gzip member read by ``SpeculativeGzipReader``: its compressed bits, and what the
/// pool made of it.
final class Region: @unchecked Sendable {
    // Unchecked: `part` is set once by the work item that took the region from the pool's list
    // before `inflated` is set and `done` signalled, and read after; `finished` only by the
    // reading thread.
    let index: Int
    /// Its bits in the file, `[start, end)`.
    let start: Int, end: Int
    /// Signalled once the pool has inflated the region, for a thread that waits for it.
    let done = DispatchSemaphore(value: 0)
    /// Set at the same time, for the reading thread to look without waiting: a semaphore's wait
    /// with a timeout of now still sleeps in the kernel and lends the processor to another thread
    /// (on 2 cores the reading thread lost 0.1 s of a 0.6 s run so, looking 265 times).
    private let inflated = Locked(false)
    /// Inflated from its first guessed block boundary, or nil (no boundary found, or more than the limit).
    var part: SpeculativePart?
    /// Set by the reading thread once it has seen `done` signalled.
    var finished = false
    /// Set, under the pool's lock, when a work item takes the region.
    fileprivate var startedByPool = false

    init(index: Int, start: Int, end: Int) {
        self.index = index
        self.start = start
        self.end = end
    }

    /// Whether the pool has inflated the region (`part` is set), without waiting.
    var isInflated: Bool { inflated.withLock { $0 } }

    /// Called by the work item once `part` is set.
    fileprivate func markInflated() {
        inflated.withLock { $0 = true }
        done.signal()
    }
}

/// The threads of Dispatch's pool that inflate regions ahead of the reading thread, each without
/// its window (``SpeculativePart``): the furthest region no one has started first, so that the
/// reading thread, which takes the nearest, finds them done when it gets there.
final class RegionPool: @unchecked Sendable {
    // Unchecked: the list is behind its lock; `started` is the offering thread's; the rest is
    // constant.
    /// Regions offered that no one has started, nearest first, and the work items running.
    private struct Open {
        var regions: [Region] = []
        var running = 0
    }
    private let open = Locked(Open())
    /// The most work items at once.
    let threads: Int
    /// Whether the work runs under SCHED_IDLE: only on processors nothing else wants. Otherwise
    /// it runs at the workers' niceness: its threads are outside the workers' width, and share
    /// the processors with them evenly, behind the reading thread.
    let whenIdle: Bool
    private let niceness = WorkerPriority.workersNiceness()
    /// Serial queues, one a work item: their threads are Dispatch's overcommit threads, apart
    /// from the width of the global queue the workers run on, so a work item never keeps a
    /// worker from a processor (under SCHED_IDLE it may wait long for one).
    private let queues: [DispatchQueue]
    private var started = 0
    private let descriptor: Int32
    private let size: Int
    private let overrun: Int
    private let limit: Int
    /// The buffers the regions are decoded into, used again from region to region.
    private let storage: SymbolStorage

    /// A pool reading the file open as `file` (`size` bytes): a region's bytes (`regionBytes`)
    /// and `overrun` more (for the block that crosses its end), decoded to at most `limit` bytes.
    init(file: Int32, size: Int, threads: Int, whenIdle: Bool, regionBytes: Int, overrun: Int, limit: Int) {
        descriptor = file
        self.size = size
        self.threads = threads
        self.whenIdle = whenIdle
        queues = (0..<threads).map { DispatchQueue(label: "nnpipe.inflate.\($0)") }
        self.overrun = overrun
        self.limit = limit
        storage = SymbolStorage(capacity: MarkerInflate.symbolCapacity(bytes: regionBytes + overrun, limit: limit))
    }

    /// Offers `region` to the pool (after those offered before it); a pool of no thread takes none.
    func offer(_ region: Region) {
        guard threads > 0 else { return }
        let startItem = open.withLock { open in
            open.regions.append(region)
            guard open.running < threads else { return false }
            open.running += 1
            return true
        }
        if startItem {
            started += 1
            startWorkItem(on: queues[started % threads])
        }
    }

    /// Takes `region` for the caller unless a work item has started it (a region never offered
    /// is the caller's): true when it is the caller's.
    func take(_ region: Region) -> Bool {
        open.withLock { open in
            guard !region.startedByPool else { return false }
            open.regions.removeAll { $0 === region }
            return true
        }
    }

    /// Forgets the regions not started (their `done` is never signalled), and lets the memory
    /// of the regions' symbols go as each is done with.
    func cancel() {
        open.withLock { $0.regions.removeAll() }
        storage.close()
    }

    /// A work item that inflates the furthest region no one has started, then the next such,
    /// until none is left.
    private func startWorkItem(on queue: DispatchQueue) {
        queue.async { [self] in
            let work = {
                while let region = self.open.withLock({ open -> Region? in
                    if let region = open.regions.popLast() {
                        region.startedByPool = true
                        return region
                    }
                    open.running -= 1
                    return nil
                }) {
                    let from = region.start / 8
                    if let bytes = Self.bytes(of: self.descriptor, size: self.size, from: from, to: region.end / 8 + self.overrun) {
                        region.part = bytes.withUnsafeBufferPointer { bytes in
                            SpeculativePart.decode(bytes, base: from, from: region.start, to: region.end, limit: self.limit,
                                                   storage: self.storage)
                        }
                    }
                    region.markInflated()
                }
            }
            if whenIdle {
                WorkerPriority.runningWhenIdle(as: "nnpipe-inflate", work)
            } else {
                WorkerPriority.running(as: "nnpipe-inflate", niceness: self.niceness, work)
            }
        }
    }

    /// The bytes `[from, to)` of the file open as `descriptor`, of `size` bytes (fewer at its end);
    /// nil when they cannot be read.
    static func bytes(of descriptor: Int32, size: Int, from: Int, to: Int) -> [UInt8]? {
        var complete = true
        // Read straight into the array's storage, with no zeros written first.
        let bytes = [UInt8](unsafeUninitializedCapacity: max(0, min(to, size) - from)) { buffer, initialized in
            var filled = 0
            while filled < buffer.count {
                let count = pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(from + filled))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                filled += count
            }
            complete = filled == buffer.count
            initialized = filled
        }
        return complete ? bytes : nil
    }
}
