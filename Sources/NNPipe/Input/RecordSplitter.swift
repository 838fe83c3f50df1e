import CCPU
import Glibc

/// Cuts a byte stream into chunks of whole CSV records, sequentially and quote-aware.
///
/// This is the only part of reading that must run in order: it finds where chunks end (a line
/// feed outside quotes) and counts physical lines; parsing the fields is left to the workers.
/// Text without quotes and blank lines, what numeric CSV is, is cut at line feeds counted 64
/// bytes a step (`CCPU_cut_at_line_feed`), and the workers find each record's end
/// (``RawChunk/findRecords()``). Elsewhere records are found one by one: lines without a quote
/// are skipped over with `memchr`; a line holding a quote goes through a small state machine
/// (RFC 4180: a quote opens a field only at its start, `""` inside quotes is a literal quote).
/// Blank lines are not records. Both ways cut the same chunks. A leading UTF-8 byte-order mark
/// is dropped.
package final class RecordSplitter {
    private let source: ByteSource
    private let name: String
    private let delimiter: UInt8
    private let quote: UInt8 = 0x22
    private let maxRecordBytes: Int
    /// Whether plain text is cut at line feeds (off: every record through the record scanner,
    /// which tests compare with).
    private let cutsAtLineFeeds: Bool

    /// Bytes read but not yet handed out: `window[start..<end]`.
    private var window: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    /// Bytes of the stream that lay before `window[0]`: the stream offset of `window[i]` is
    /// `discarded + i`.
    private var discarded = 0
    private var atEndOfInput = false
    private var sawFirstBytes = false
    /// The physical line of the next record.
    private var line = 1
    private var nextIndex = 0
    private let readSize = 1 << 20
    /// The size of the last chunk, to reserve the next one's bytes at once.
    private var lastChunkBytes = 0
    /// While `nextChunk` runs: the chunk's bytes so far, and where in the window the records not
    /// yet copied into them begin (they run up to `start`).
    private var collecting = false
    private var chunkBytes: [UInt8] = []
    private var copiedUpTo = 0

    package init(source: ByteSource, name: String, delimiter: UInt8, maxRecordBytes: Int, cutsAtLineFeeds: Bool = true) {
        self.source = source
        self.cutsAtLineFeeds = cutsAtLineFeeds
        self.name = name
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
        capacity = 4 << 20
        window = .allocate(capacity: capacity)
    }

    deinit { window.deallocate() }

    /// Bytes read from the input as stored (compressed bytes for gzip), read ahead of the records
    /// handed out by at most one read.
    package var bytesConsumed: Int { source.bytesConsumed }

    /// Where the next record begins: its offset in the (decompressed) stream and its physical line.
    package var position: (offset: Int, line: Int) { (discarded + start, line) }

    /// Moves to stream offset `offset`, a record boundary at or after ``position`` (where an earlier
    /// run stopped), whose record starts on physical line `line`. The bytes before it are dropped
    /// unread by the record scanner: a plain file seeks, a compressed one is decompressed and
    /// discarded. Throws when the stream ends first.
    package func skip(to offset: Int, line: Int) throws {
        while discarded + start < offset {
            let wanted = offset - (discarded + start)
            if start < end {
                start += min(wanted, end - start)
                continue
            }
            if let file = source as? FileSource, file.seekForward(wanted) {
                discarded += end + wanted
                (start, end) = (0, 0)
                continue
            }
            if atEndOfInput {
                throw InputError(.badData, file: name, byteOffset: source.bytesConsumed,
                                 problem: "the input ends before byte \(offset), where the run being resumed stopped")
            }
            try refill()
        }
        self.line = line
    }

    /// The next chunk of up to `maxRecords` records and about `maxBytes` bytes (a chunk holds at
    /// least one record, and stops at the first record that reaches `maxBytes`), or nil at the end
    /// of the input.
    package func nextChunk(maxRecords: Int, maxBytes: Int = .max) throws -> RawChunk? {
        if let chunk = try cutAtLineFeeds(maxRecords: maxRecords, maxBytes: maxBytes) { return chunk }
        let bytesLimit = maxBytes < (1 << 40) ? maxBytes + maxBytes / 8 : Int.max
        chunkBytes = []
        chunkBytes.reserveCapacity(min(lastChunkBytes + lastChunkBytes / 8, bytesLimit))
        var ends: [Int] = []
        var lines: [Int] = []
        ends.reserveCapacity(maxRecords)
        lines.reserveCapacity(maxRecords)
        // Records follow each other in the window, so they are copied in runs: when the window
        // is refilled, at a blank line, and at the end of the chunk (see `copyRecords`).
        collecting = true
        copiedUpTo = start
        defer { collecting = false }
        while ends.count < maxRecords && chunkBytes.count + (start - copiedUpTo) < maxBytes {
            guard let record = try nextRecordRange() else { break }
            if record.isBlank {
                copyRecords(upTo: record.range.lowerBound)
                copiedUpTo = record.range.upperBound
                continue
            }
            ends.append(chunkBytes.count + (record.range.upperBound - copiedUpTo))
            lines.append(record.line)
        }
        copyRecords(upTo: start)
        if ends.isEmpty { return nil }
        var bytes: [UInt8] = []
        swap(&bytes, &chunkBytes)
        bytes.append(contentsOf: repeatElement(0, count: RawChunk.padding))
        lastChunkBytes = bytes.count
        defer { nextIndex += 1 }
        return RawChunk(index: nextIndex, bytes: bytes, recordEnds: ends, recordLines: lines, source: name)
    }

    /// ``nextChunk(maxRecords:maxBytes:)`` for text ahead without quotes and blank lines: the
    /// chunk ends at the line feed where the record scanner's would (the `maxRecords`-th, or
    /// the first that ends a record reaching `maxBytes`), and its records are left for
    /// ``RawChunk/findRecords()``. Nil where the text needs the record scanner (a quote, a blank
    /// line, a record longer than `max_record_bytes`), which then cuts the chunk from here.
    private func cutAtLineFeeds(maxRecords: Int, maxBytes: Int) throws -> RawChunk? {
        guard cutsAtLineFeeds, maxRecords > 0, maxBytes > 0 else { return nil }
        // The bytes after `start` scanned so far, and their line feeds: reading on only while the
        // cut is not found, so that a pipe's records go out as soon as the scanner's would.
        var scanned = 0
        var lineFeeds = 0
        var records = 0
        // No record longer than max_record_bytes in the first `limit` bytes after `start` (the
        // last perhaps unfinished): from each record start, a line feed within that many bytes;
        // `fits` is the start of the first record not yet walked. Checked before every read, so
        // that the scanner's error comes before anything more is read.
        var fits = 0
        func recordsFit(_ limit: Int) -> Bool {
            while limit - fits > maxRecordBytes {
                let lf = CCPU_last_line_feed(window + start + fits, maxRecordBytes)
                if lf < 0 { return false }
                fits += lf + 1
            }
            return true
        }
        while true {
            if start + scanned == end {
                if atEndOfInput {
                    guard scanned > 0 else { return nil }
                    // The last chunk; its last record may lack a line terminator.
                    records = window[end - 1] == 0x0A ? lineFeeds : lineFeeds + 1
                    break
                }
                guard recordsFit(scanned) else { return nil }
                try refill()
                continue
            }
            if scanned == 0 && (window[start] == 0x0A || window[start] == 0x0D) { return nil }
            let afterLineFeed: Int32 = scanned > 0 && window[start + scanned - 1] == 0x0A ? 1 : 0
            let cut = CCPU_cut_at_line_feed(window + start + scanned, end - start - scanned, maxRecords - lineFeeds,
                                            maxBytes - scanned, quote, afterLineFeed, CPUFeatures.lineCutVector)
            guard cut.plain != 0 else { return nil }
            lineFeeds += cut.line_feeds
            if cut.end >= 0 {
                scanned += cut.end
                records = lineFeeds
                break
            }
            scanned = end - start
        }
        let length = scanned
        guard recordsFit(length) else { return nil }
        let bytes = [UInt8](unsafeUninitializedCapacity: length + RawChunk.padding) { buffer, count in
            let base = buffer.baseAddress!
            base.update(from: window + start, count: length)
            (base + length).initialize(repeating: 0, count: RawChunk.padding)
            count = length + RawChunk.padding
        }
        let chunk = RawChunk(index: nextIndex, bytes: bytes, lines: records, firstLine: line, source: name)
        // A last record without a line terminator leaves the line where it is, as the scanner does.
        line += lineFeeds
        start += length
        nextIndex += 1
        lastChunkBytes = bytes.count
        return chunk
    }

    /// Appends the records consumed since the last copy (`window[copiedUpTo..<end]`) to the
    /// chunk being cut.
    private func copyRecords(upTo end: Int) {
        if end > copiedUpTo {
            chunkBytes.append(contentsOf: UnsafeBufferPointer(start: window + copiedUpTo, count: end - copiedUpTo))
        }
        copiedUpTo = end
    }

    private struct RecordRange {
        var range: Range<Int>
        var line: Int
        var isBlank: Bool
    }

    /// Finds the next record in the window (refilling it as needed) and consumes it.
    /// The returned range stays valid until the next call.
    private func nextRecordRange() throws -> RecordRange? {
        var scanned = start  // bytes of the current record already scanned
        var inQuotes = false
        var quoteInQuotes = false  // the previous byte was a quote inside a quoted field
        var atFieldStart = true
        var newlines = 0
        while true {
            if scanned == end {
                if atEndOfInput {
                    guard start < end else { return nil }
                    try checkLength(end)
                    // The last record, without a line terminator.
                    let record = RecordRange(range: start..<end, line: line, isBlank: isBlank(start, end))
                    line += newlines
                    start = end
                    return record
                }
                let offset = scanned - start
                try refill()
                scanned = start + offset
                continue
            }
            if !inQuotes && !quoteInQuotes {
                // Fast path: no quote before the next line feed means the record ends there.
                let remaining = end - scanned
                let lf = memchr(window + scanned, 0x0A, remaining)
                let limit = lf.map { UnsafeMutablePointer<UInt8>(OpaquePointer($0)) - window } ?? end
                if memchr(window + scanned, Int32(quote), limit - scanned) == nil {
                    if limit < end {
                        try checkLength(limit + 1)
                        let record = RecordRange(range: start..<(limit + 1), line: line, isBlank: isBlank(start, limit + 1))
                        line += newlines + 1
                        start = limit + 1
                        return record
                    }
                    // Note whether the unscanned tail ends on a delimiter (a quote may follow it).
                    if limit > scanned { atFieldStart = window[limit - 1] == delimiter }
                    scanned = limit
                    try checkLength(scanned)
                    continue
                }
            }
            // Slow path, byte by byte, for a record that holds a quote.
            let byte = window[scanned]
            scanned += 1
            if quoteInQuotes {
                quoteInQuotes = false
                if byte == quote {
                    inQuotes = true  // "" is a literal quote
                    continue
                }
                // The quote closed the field; this byte is outside quotes.
            } else if inQuotes {
                if byte == quote { inQuotes = false; quoteInQuotes = true }
                else if byte == 0x0A { newlines += 1 }
                try checkLength(scanned)
                continue
            }
            if byte == 0x0A {
                try checkLength(scanned)
                let record = RecordRange(range: start..<scanned, line: line, isBlank: isBlank(start, scanned))
                line += newlines + 1
                start = scanned
                return record
            }
            if byte == quote && atFieldStart {
                inQuotes = true
                atFieldStart = false
            } else {
                atFieldStart = byte == delimiter
            }
            try checkLength(scanned)
        }
    }

    /// A record of only a line terminator.
    private func isBlank(_ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to, window[i] == 0x0D || window[i] == 0x0A { i += 1 }
        return i == to
    }

    private func checkLength(_ scanned: Int) throws {
        if scanned - start > maxRecordBytes {
            throw InputError(.badData, file: name, line: line,
                             problem: "record is longer than \(maxRecordBytes) bytes (max_record_bytes); an unterminated quote?")
        }
    }

    /// Reads more after the unconsumed bytes, moving them to the front of the window first when
    /// less than a read's room is left after them (not at every read: a decoder may hand out a
    /// few KiB a read).
    private func refill() throws {
        // The records consumed so far may leave the window here: copy them into the chunk first.
        if collecting { copyRecords(upTo: start) }
        defer { copiedUpTo = start }
        if start > 0 && capacity - end < readSize {
            discarded += start
            (window).update(from: window + start, count: end - start)
            end -= start
            start = 0
        }
        if capacity - end < readSize {
            let newCapacity = max(capacity * 2, end + readSize)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: window, count: end)
            window.deallocate()
            window = grown
            capacity = newCapacity
        }
        let count = try source.read(into: window + end, capacity: capacity - end)
        if count == 0 {
            atEndOfInput = true
            return
        }
        if !sawFirstBytes {
            sawFirstBytes = true
            end += count
            // Drop a UTF-8 byte-order mark (it needs its three bytes in the window).
            while end < 3 && !atEndOfInput {
                let more = try source.read(into: window + end, capacity: capacity - end)
                if more == 0 { atEndOfInput = true }
                end += more
            }
            if end >= 3, window[0] == 0xEF, window[1] == 0xBB, window[2] == 0xBF { start = 3 }
            return
        }
        end += count
    }
}
