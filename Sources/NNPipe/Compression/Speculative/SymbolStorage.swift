import Glibc

/// The buffers one ``RegionPool``'s regions are decoded into (``MarkerInflate``), used again from
/// region to region instead of taken from the heap each time.
///
/// A region's symbols take 2 bytes a decoded byte, in a buffer sized for 4 times the region's
/// compressed bytes (about 5 MiB for 512 KiB), of which half is written for CSV. From the heap,
/// each thread's arena kept the freed buffers, and a new one landed where earlier ones had written
/// other halves: with 15 threads of the pool, W2's reader-bound run peaked at 226-244 MiB (on 2
/// cores with 16 decoders; about 300 MiB on a 16-core machine). These buffers are mapped apart
/// from the heap and handed back here when their part is done with: the memory is what the
/// regions in flight wrote, once (127-132 MiB in that run), and goes back with the pool.
final class SymbolStorage: @unchecked Sendable {
    // Unchecked: the list is behind its lock; the rest is constant.
    /// Symbols a buffer holds.
    let capacity: Int
    private var bytes: Int { capacity * MemoryLayout<UInt16>.stride }
    /// Buffers handed back and not taken again, and whether the pool is done with them all.
    private struct Free {
        var buffers: [UnsafeMutablePointer<UInt16>] = []
        var closed = false
    }
    private let free = Locked(Free())

    init(capacity: Int) {
        self.capacity = capacity
    }

    deinit { close() }

    /// A buffer of ``capacity`` symbols: one handed back before, or a new mapping; nil when the
    /// system has no memory to map, or once closed (the caller then allocates its own; a take
    /// racing with ``close()`` may still map one, which ``give(_:)`` then unmaps). As many
    /// are mapped as were ever in use at once: the regions in flight, those being resolved, and
    /// one a thread.
    func take() -> UnsafeMutablePointer<UInt16>? {
        let (closed, kept) = free.withLock { free in (free.closed, free.closed ? nil : free.buffers.popLast()) }
        if closed { return nil }
        if let kept { return kept }
        guard let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else { return nil }
        return mapped.bindMemory(to: UInt16.self, capacity: capacity)
    }

    /// Buffers kept for the next region (for tests).
    var kept: Int { free.withLock { $0.buffers.count } }

    /// Takes back a buffer ``take()`` gave: kept for the next region, or, once closed, unmapped.
    func give(_ buffer: UnsafeMutablePointer<UInt16>) {
        let keep = free.withLock { free in
            if !free.closed { free.buffers.append(buffer) }
            return !free.closed
        }
        if !keep { munmap(buffer, bytes) }
    }

    /// Unmaps the buffers kept, and from now on each one handed back (no region is decoded any
    /// more: a member read on by another reader does not keep this one's memory).
    func close() {
        let buffers = free.withLock { free in
            free.closed = true
            defer { free.buffers.removeAll() }
            return free.buffers
        }
        for buffer in buffers { munmap(buffer, bytes) }
    }
}
