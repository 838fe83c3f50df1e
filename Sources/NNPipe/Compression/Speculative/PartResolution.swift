import CZlib
import Dispatch

/// A part joined by ``SpeculativeGzipReader``: its bytes with the window's filled in, and their
/// CRC-32, made once, by a work item on the pool or, where the reading thread needs them before
/// one has started, by the reading thread itself.
final class PartResolution: @unchecked Sendable {
    // Unchecked: the fields are set by whoever claimed the work before it leaves `done`, and read
    // after a wait on it (or by the claimer itself).
    /// Left once the bytes are made: waited on when the part is handed out, and again for the
    /// trailer's CRC.
    let done = DispatchGroup()
    let length: Int
    /// Taken (set to nil) when handed out, so that only the parts ahead are held.
    var bytes: [UInt8]?
    var resolved = false
    var crc: UInt = 0
    /// What makes the bytes, until someone claims the work.
    private var make: (@Sendable () -> [UInt8]?)?
    private let claimed = Locked(false)
    init(length: Int) { self.length = length }

    /// Bytes already resolved, with their CRC-32: `bytes` when they are still to be handed out,
    /// nil when they were (only their checksum is left to count).
    static func finished(length: Int, crc: UInt, bytes: [UInt8]? = nil) -> PartResolution {
        let resolution = PartResolution(length: length)
        resolution.claimed.withLock { $0 = true }
        resolution.bytes = bytes
        resolution.resolved = true
        resolution.crc = crc
        return resolution
    }

    /// Resolves on the pool: `make` gives the bytes (nil when they cannot be had).
    static func start(length: Int, _ make: @escaping @Sendable () -> [UInt8]?) -> PartResolution {
        let resolution = PartResolution(length: length)
        resolution.make = make
        resolution.done.enter()
        DispatchQueue.global().async { if resolution.claim() { resolution.resolve() } }
        return resolution
    }

    /// Waits until the bytes are made, or makes them here if no work item has started on them:
    /// on a machine whose processors are all busy, a work item may start long after it is
    /// queued, and the reading thread would wait for it doing nothing.
    func waitOrResolveHere() {
        if claim() { resolve() } else { done.wait() }
    }

    /// True for the first caller only.
    private func claim() -> Bool {
        claimed.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }

    private func resolve() {
        let bytes = make?()
        make = nil
        self.bytes = bytes
        resolved = bytes != nil
        // ISA-L's CRC when built in (zlib's value, several times faster).
        crc = bytes.map { bytes in bytes.withUnsafeBytes { UInt(ContentChecksum.adding($0, to: 0)) } } ?? 0
        done.leave()
    }
}
