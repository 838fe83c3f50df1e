/// The journal's line format: `TEXT ~CHECKSUM\n`, the checksum being FNV-1a of `TEXT`.
///
/// A line cut short (the process killed while writing it), or with a checksum that does not
/// match, ends the journal: it and everything after it are ignored.
enum JournalText {
    /// `text` as a journal line.
    static func line(_ text: String) -> String {
        var hash = Fnv64()
        hash.add(text)
        return "\(text) ~\(hash.hex)\n"
    }

    /// The lines' texts up to the first one that is torn or damaged.
    static func lines(_ bytes: [UInt8]) -> [String] {
        var texts: [String] = []
        var start = 0
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            let line = String(decoding: bytes[start..<newline], as: UTF8.self)
            start = newline + 1
            guard let mark = line.range(of: " ~", options: .backwards) else { break }
            let text = String(line[..<mark.lowerBound])
            var hash = Fnv64()
            hash.add(text)
            guard line[mark.upperBound...] == hash.hex else { break }
            texts.append(text)
        }
        return texts
    }

    /// A path or name as one word: `%`, space, and control bytes as `%XX`.
    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte == 0x25 || byte <= 0x20 || byte == 0x7F {
                let hex = Array(String(byte, radix: 16, uppercase: true).utf8)
                bytes += [0x25] + (hex.count == 1 ? [0x30] : []) + hex
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Undoes ``escape(_:)``.
    static func unescape(_ word: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(word.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == 0x25, utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
