/// What an input's first bytes say it holds; ``InputOpener`` reads by content, never by name.
///
/// Gzip's magic bytes `1f 8b` make an input gzip, whatever its name: a damaged or cut-off gzip
/// file then fails in the decoder, and is never read as text. Without them an input is plain
/// CSV, also when its name ends in `.gz` (curl, wget and some browsers save a body that the
/// server sent gzip-encoded, and they decoded, under its `.gz` name). But a name ending in `.gz`
/// says gzip, so such a file is read as plain only when its start looks like text: a control
/// byte other than tab, line feed, carriage return or the delimiter in its first
/// ``sniffLength`` bytes (every compressed or binary format has them: zstd, xz, bzip2, zip, a
/// gzip file whose first bytes were overwritten) stops the run before any row is read.
enum InputContent: Equatable {
    case gzip
    /// Text, or too short to tell: read as plain CSV.
    case text
    /// Not text: the first control byte, at `offset`.
    case binary(offset: Int, byte: UInt8)

    /// Bytes looked at to tell text from binary, for inputs named `.gz`.
    static let sniffLength = 4096

    /// Classifies an input from its first bytes (`prefix`), read with `delimiter`.
    init(prefix: [UInt8], delimiter: UInt8) {
        if prefix.count >= 2, prefix[0] == 0x1F, prefix[1] == 0x8B {
            self = .gzip
            return
        }
        for (offset, byte) in prefix.enumerated() where Self.isControl(byte) && byte != delimiter {
            self = .binary(offset: offset, byte: byte)
            return
        }
        self = .text
    }

    /// C0 controls and DEL, except tab, line feed and carriage return.
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
    }

    /// Another compressor's format, named from its magic bytes, for a clearer message.
    static func compressedFormat(_ prefix: [UInt8]) -> String? {
        let formats: [(magic: [UInt8], name: String)] = [
            ([0x28, 0xB5, 0x2F, 0xFD], "zstd"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz"),
            ([0x42, 0x5A, 0x68], "bzip2"),
            ([0x50, 0x4B, 0x03, 0x04], "zip"),
            ([0x1F, 0x9D], "compress (.Z)"),
            ([0x04, 0x22, 0x4D, 0x18], "lz4"),
        ]
        return formats.first { prefix.starts(with: $0.magic) }?.name
    }
}
