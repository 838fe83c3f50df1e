#if ISAL
import CISAL
#endif
import CZlib
import Glibc

/// The CRC-32 (zlib's) of a file's bytes as they are written, which a resume journal's entry keeps
/// beside each temporary file's length: a resumed run continues a file only when its first bytes
/// still have that checksum (a file swapped for another of the same length, or edited in place,
/// is not continued). The same value whatever the pieces the bytes come in, and whichever library
/// computes it: ISA-L's when built in (it runs on the writer's thread over every byte of a file
/// output), zlib's otherwise.
enum ContentChecksum {
    /// `crc` extended by `bytes`.
    static func adding(_ bytes: UnsafeRawBufferPointer, to crc: UInt32) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        #if ISAL
        return crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        #else
        return UInt32(truncatingIfNeeded: crc32_z(UInt(crc), base.assumingMemoryBound(to: UInt8.self), bytes.count))
        #endif
    }

    /// The checksum of the first `length` bytes of the file at `path`; nil when it cannot be read
    /// or is shorter.
    static func ofFile(_ path: String, length: Int) -> UInt32? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var crc: UInt32 = 0
        var left = length
        while left > 0 {
            let count = read(fd, buffer.baseAddress, min(size, left))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            crc = adding(UnsafeRawBufferPointer(rebasing: buffer[..<count]), to: crc)
            left -= count
        }
        return crc
    }
}
