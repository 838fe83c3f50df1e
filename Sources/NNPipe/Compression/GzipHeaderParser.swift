import Glibc
import CZlib

/// Reads one gzip member's header (RFC 1952, section 2.3) as its bytes arrive, in pieces of any
/// size, and checks it as gzip and zlib do: the magic bytes, method 8 (deflate), no reserved
/// flag, and with FHCRC the header's CRC-16 (the low 16 bits of the CRC-32 of the header bytes
/// before it). FTEXT, FEXTRA, FNAME and FCOMMENT are read past.
///
/// Used by ``IsalDecoder``: ISA-L 2.30 computes the FHCRC check wrongly when a header reaches
/// it in more than one piece (refusing valid files with "CRC mismatch"), so the header is read
/// here and ISA-L inflates only the deflate data and checks the trailer. Messages use zlib's
/// words, so both decoders name a problem alike.
struct GzipHeaderParser {
    /// Why a header is refused, in zlib's words.
    struct Problem: Error {
        var reason: String
    }

    private enum Field {
        /// The 10 fixed bytes: magic, method, flags, time, extra flags, OS.
        case fixed
        case extraLength
        case extra
        case name
        case comment
        case headerCRC
        case done
    }

    private var field = Field.fixed
    /// Bytes of the current field read so far (fixed, lengths and CRC) or left (extra).
    private var count = 0
    private var flags: UInt8 = 0
    private var value = 0
    /// CRC-32 of the header bytes before the CRC-16.
    private var crc = crc32(0, nil, 0)

    /// Whether the whole header has been read.
    var isComplete: Bool { field == .done }

    /// Reads header bytes from `bytes`; returns how many belong to the header (fewer than
    /// `available` once it is complete).
    mutating func consume(_ bytes: UnsafePointer<UInt8>, available: Int) throws(Problem) -> Int {
        var used = 0
        var crcFrom = 0
        defer { if used > crcFrom { crc = crc32(crc, bytes + crcFrom, UInt32(used - crcFrom)) } }
        while used < available, field != .done {
            let byte = bytes[used]
            switch field {
            case .fixed:
                switch count {
                case 0 where byte != 0x1F, 1 where byte != 0x8B: throw Problem(reason: "incorrect header check")
                case 2 where byte != 8: throw Problem(reason: "unknown compression method")
                case 3:
                    // 0x20 (encrypted in old gzip), 0x40 and 0x80 are reserved: gzip refuses them.
                    guard byte & 0xE0 == 0 else { throw Problem(reason: "unknown header flags set") }
                    flags = byte
                default: break
                }
                used += 1
                count += 1
                if count == 10 { next(after: .fixed) }
            case .extraLength:
                value |= Int(byte) << (8 * count)
                used += 1
                count += 1
                if count == 2 {
                    count = value
                    field = .extra
                    if count == 0 { next(after: .extra) }
                }
            case .extra:
                let take = min(count, available - used)
                used += take
                count -= take
                if count == 0 { next(after: .extra) }
            case .name, .comment:
                let start = bytes + used
                let end = memchr(start, 0, available - used)
                guard let end else {
                    used = available
                    break
                }
                used += UnsafePointer<UInt8>(OpaquePointer(end)) - start + 1
                next(after: field)
            case .headerCRC:
                if crcFrom != available {
                    // The CRC covers the bytes before these two: add this call's, and no more.
                    if used > crcFrom { crc = crc32(crc, bytes + crcFrom, UInt32(used - crcFrom)) }
                    crcFrom = available
                }
                value |= Int(byte) << (8 * count)
                used += 1
                count += 1
                if count == 2 {
                    guard UInt(value) == crc & 0xFFFF else { throw Problem(reason: "header crc mismatch") }
                    field = .done
                }
            case .done:
                break
            }
        }
        return used
    }

    /// Moves to the field after `current` that the flags call for.
    private mutating func next(after current: Field) {
        count = 0
        value = 0
        let order: [(Field, UInt8)] = [(.extraLength, 4), (.name, 8), (.comment, 16), (.headerCRC, 2)]
        let position: Int
        switch current {
        case .fixed: position = 0
        case .extraLength, .extra: position = 1
        case .name: position = 2
        case .comment: position = 3
        case .headerCRC, .done: position = 4
        }
        field = order[position...].first { flags & $0.1 != 0 }?.0 ?? .done
    }
}
