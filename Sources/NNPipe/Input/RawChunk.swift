import CCPU
import Glibc

/// Complete CSV records cut from the input stream, with where each one starts.
///
/// The reader cuts text without quotes and blank lines at line feeds only, counting them (every
/// line is a record there), and leaves finding each record's end to the worker that parses the
/// chunk (``findRecords()``): the one part of reading that must run in order does no work per
/// record.
package struct RawChunk: Sendable {
    /// 0, 1, 2… in input order.
    package var index: Int
    /// The records' bytes, each with its line terminator (the last record of the input may lack
    /// one), then ``padding`` zero bytes that belong to no record (room for eight-byte reads).
    package var bytes: [UInt8]
    package static let padding = 8
    /// Number of records in the chunk.
    package private(set) var count: Int
    /// Where each record ends in `bytes` (exclusive); record `i` starts where record `i - 1` ends.
    /// Empty until ``findRecords()`` for a chunk cut at line feeds.
    package private(set) var recordEnds: [Int]
    /// The 1-based physical line on which each record starts (as `recordEnds`).
    package private(set) var recordLines: [Int]
    /// The physical line of the first record.
    private let firstLine: Int
    /// The input the records come from, for messages.
    package var source: String = ""

    /// A chunk whose records were found by the reader.
    package init(index: Int, bytes: [UInt8], recordEnds: [Int], recordLines: [Int], source: String = "") {
        self.index = index
        self.bytes = bytes
        self.count = recordEnds.count
        self.recordEnds = recordEnds
        self.recordLines = recordLines
        self.firstLine = recordLines.first ?? 1
        self.source = source
    }

    /// A chunk of `count` records of one line each, starting on line `firstLine`: every line feed
    /// in `bytes` ends a record, and a last record without one runs to the padding.
    package init(index: Int, bytes: [UInt8], lines count: Int, firstLine: Int, source: String) {
        self.index = index
        self.bytes = bytes
        self.count = count
        self.recordEnds = []
        self.recordLines = []
        self.firstLine = firstLine
        self.source = source
    }

    /// Bytes of the records, without the padding.
    package var recordBytes: Int { bytes.count - Self.padding }

    /// Whether ``recordEnds`` and ``recordLines`` are filled in.
    package var recordsFound: Bool { recordEnds.count == count }

    /// Finds each record's end and line in a chunk cut at line feeds (nothing to do otherwise).
    package mutating func findRecords() {
        guard !recordsFound else { return }
        let total = recordBytes, count = count
        // Every record ends after its line feed; a last one without one runs to the padding.
        let ends = bytes.withUnsafeBufferPointer { bytes in
            [Int](unsafeUninitializedCapacity: count) { ends, initialized in
                let found = CCPU_line_ends(bytes.baseAddress!, total, count, ends.baseAddress!)
                for i in found..<count { ends[i] = total }
                initialized = count
            }
        }
        recordEnds = ends
        recordLines = Array(firstLine..<(firstLine + count))
    }

    /// The byte range of record `i` (once ``recordsFound``).
    package func range(of i: Int) -> Range<Int> {
        (i == 0 ? 0 : recordEnds[i - 1])..<recordEnds[i]
    }
}
