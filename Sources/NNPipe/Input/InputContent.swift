/// What an input's first bytes say it holds; ``InputOpener`` reads by content, never by name.
///
/// Gzip's magic bytes `1f 8b` make an input gzip, and zstd's `28 b5 2f fd` (or a skippable
/// frame's, `5? 2a 4d 18`) make it zstd, whatever its name: a damaged or cut-off file then fails
/// in the decoder, and is never read as text. The magic bytes of a format nnpipe does not read
/// (xz, bzip2, zip, lz4, compress) make it ``unsupported(_:)``, refused with the command that
/// decompresses it on the way in. Without any of them an input is plain CSV, also when its name
/// ends in `.gz` (curl, wget and some browsers save a body that the server sent gzip-encoded,
/// and they decoded, under its `.gz` name). But a name ending in `.gz` says gzip, so such a file
/// is read as plain only when its start looks like text: a control byte other than tab, line
/// feed, carriage return or the delimiter in its first ``sniffLength`` bytes (a gzip file whose
/// first bytes were overwritten, any other binary file) stops the run before any row is read.
enum InputContent: Equatable {
    case gzip
    case zstd
    /// A compressed or archive format nnpipe does not read.
    case unsupported(ForeignFormat)
    /// Text, or too short to tell: read as plain CSV.
    case text
    /// Not text: the first control byte, at `offset`.
    case binary(offset: Int, byte: UInt8)

    /// Bytes looked at to tell text from binary, for inputs named `.gz`.
    static let sniffLength = 4096
    /// Bytes looked at for magic numbers, for other inputs (bzip2's needs ten).
    static let magicLength = 10

    /// Classifies an input from its first bytes (`prefix`), read with `delimiter`.
    init(prefix: [UInt8], delimiter: UInt8) {
        if prefix.count >= 2, prefix[0] == 0x1F, prefix[1] == 0x8B {
            self = .gzip
            return
        }
        if prefix.starts(with: [0x28, 0xB5, 0x2F, 0xFD])
            || (prefix.count >= 4 && prefix[0] & 0xF0 == 0x50 && prefix[1...3].elementsEqual([0x2A, 0x4D, 0x18])) {
            self = .zstd
            return
        }
        if let format = ForeignFormat.all.first(where: { $0.matches(prefix) }) {
            self = .unsupported(format)
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
}

/// A compressed or archive format recognised by its magic bytes but not read: its name for
/// messages and the command that writes its contents to standard output.
struct ForeignFormat: Equatable {
    /// How the message names the input: "xz-compressed input".
    var what: String
    /// The command that decompresses a file to standard output, before the file's name.
    var command: String
    /// Magic byte patterns; nil matches any byte.
    var magics: [[UInt8?]]
    /// What the command does: "decompress", or "convert" for text in another encoding.
    var verb = "decompress"

    func matches(_ prefix: [UInt8]) -> Bool {
        magics.contains { magic in
            prefix.count >= magic.count && zip(magic, prefix).allSatisfy { $0 == nil || $0 == $1 }
        }
    }

    static let all = [
        ForeignFormat(what: "xz-compressed input", command: "xz -dc", magics: [[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]]),
        // "BZh", the block size ('1'-'9'), then a block's magic (BCD pi) or the end of stream's
        // (sqrt pi): "BZh" and a digit alone could begin a CSV header.
        ForeignFormat(what: "bzip2-compressed input", command: "bzip2 -dc", magics: [
            [0x42, 0x5A, 0x68, nil, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
            [0x42, 0x5A, 0x68, nil, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90],
        ]),
        // A local file header; an empty archive is only its end record.
        ForeignFormat(what: "a zip archive", command: "unzip -p", magics: [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x05, 0x06]]),
        // The frame format, and the legacy format `lz4 -l` writes.
        ForeignFormat(what: "lz4-compressed input", command: "lz4 -dc", magics: [[0x04, 0x22, 0x4D, 0x18], [0x02, 0x21, 0x4C, 0x18]]),
        // gzip reads compress's .Z files.
        ForeignFormat(what: "compress (.Z) input", command: "gzip -dc", magics: [[0x1F, 0x9D]]),
        // Text in UTF-32 or UTF-16, told by its byte order mark (Excel's "Unicode Text" is
        // UTF-16): read as UTF-8 its NUL bytes would end up in messages. UTF-32's little-endian
        // mark begins with UTF-16's, so it comes first.
        ForeignFormat(what: "UTF-32 text (byte order mark ff fe 00 00)", command: "iconv -f UTF-32 -t UTF-8",
                      magics: [[0xFF, 0xFE, 0x00, 0x00]], verb: "convert"),
        ForeignFormat(what: "UTF-32 text (byte order mark 00 00 fe ff)", command: "iconv -f UTF-32 -t UTF-8",
                      magics: [[0x00, 0x00, 0xFE, 0xFF]], verb: "convert"),
        ForeignFormat(what: "UTF-16 text (byte order mark ff fe, as Excel's \"Unicode Text\" saves it)",
                      command: "iconv -f UTF-16 -t UTF-8", magics: [[0xFF, 0xFE]], verb: "convert"),
        ForeignFormat(what: "UTF-16 text (byte order mark fe ff)", command: "iconv -f UTF-16 -t UTF-8",
                      magics: [[0xFE, 0xFF]], verb: "convert"),
    ]
}
