import CZlib
import Dispatch

/// A part joined by ``SpeculativeGzipReader``: its bytes with the window's filled in, and their
/// CRC-32, set once by a work item on the pool.
final class PartResolution: @unchecked Sendable {
    // Unchecked: the fields are set by the work item before it leaves `done`, and read after a
    // wait on it.
    /// Left once the work item is done: waited on when the part is handed out, and again for
    /// the trailer's CRC.
    let done = DispatchGroup()
    let length: Int
    /// Taken (set to nil) when handed out, so that only the parts ahead are held.
    var bytes: [UInt8]?
    var resolved = false
    var crc: UInt = 0
    init(length: Int) { self.length = length }

    /// Bytes already resolved, with their CRC-32: `bytes` when they are still to be handed out,
    /// nil when they were (only their checksum is left to count).
    static func finished(length: Int, crc: UInt, bytes: [UInt8]? = nil) -> PartResolution {
        let resolution = PartResolution(length: length)
        resolution.bytes = bytes
        resolution.resolved = true
        resolution.crc = crc
        return resolution
    }

    /// Resolves on the pool: `make` gives the bytes (nil when they cannot be had).
    static func start(length: Int, _ make: @escaping @Sendable () -> [UInt8]?) -> PartResolution {
        let resolution = PartResolution(length: length)
        resolution.done.enter()
        DispatchQueue.global().async {
            let bytes = make()
            resolution.bytes = bytes
            resolution.resolved = bytes != nil
            // ISA-L's CRC when built in (zlib's value, several times faster).
            resolution.crc = bytes.map { bytes in bytes.withUnsafeBytes { UInt(ContentChecksum.adding($0, to: 0)) } } ?? 0
            resolution.done.leave()
        }
        return resolution
    }
}
