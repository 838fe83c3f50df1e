import CCPU
import Testing
@testable import NNPipe

/// Plain text is cut into chunks at line feeds counted 64 bytes a step, its records found later
/// by the workers: the chunks must be the record scanner's, byte for byte, record for record.
@Suite("RecordSplitter cuts at line feeds")
struct RecordSplitterCutTests {
    /// One chunk as a worker sees it, and where the splitter stood after cutting it.
    struct Cut: Equatable {
        var bytes: [UInt8]
        var ends: [Int]
        var lines: [Int]
        var offset: Int
        var line: Int
    }

    /// The chunks of `text` (records found) and the error that ended them, if any; `atLineFeeds`
    /// tells whether any chunk was cut at line feeds.
    static func cuts(_ text: [UInt8], piece: Int, sizes: [(records: Int, bytes: Int)], maxRecordBytes: Int,
                     atLineFeeds: Bool) -> (cuts: [Cut], error: String?, cutAtLineFeeds: Bool) {
        let splitter = RecordSplitter(source: PieceSource(text, piece: piece), name: "in.csv", delimiter: 0x2C,
                                      maxRecordBytes: maxRecordBytes, cutsAtLineFeeds: atLineFeeds)
        var cuts: [Cut] = []
        var any = false
        do {
            while var chunk = try splitter.nextChunk(maxRecords: sizes[cuts.count % sizes.count].records,
                                                     maxBytes: sizes[cuts.count % sizes.count].bytes) {
                any = any || !chunk.recordsFound
                chunk.findRecords()
                #expect(chunk.recordEnds.count == chunk.count && chunk.recordLines.count == chunk.count)
                cuts.append(Cut(bytes: chunk.bytes, ends: chunk.recordEnds, lines: chunk.recordLines,
                                offset: splitter.position.offset, line: splitter.position.line))
            }
        } catch {
            return (cuts, "\(error)", any)
        }
        return (cuts, nil, any)
    }

    /// Random CSV text: mostly numeric lines (short and long, LF and CRLF), and, where `odd`, now
    /// and then a quoted field holding a line feed, blank lines, a line starting with a carriage
    /// return, a byte-order mark; the last line with or without its terminator.
    static func text(_ random: inout FuzzTests.SplitMix, lines: Int, odd: Bool) -> [UInt8] {
        var text: [UInt8] = odd && random.next() % 4 == 0 ? [0xEF, 0xBB, 0xBF] : []
        for _ in 0..<lines {
            let kind = odd ? random.next() % 16 : 0
            switch kind {
            case 1: text += Array("\"a\nb\",1".utf8)
            case 2: text += Array("\"x\"\"y\",2".utf8)
            case 3: text += []  // a blank line
            case 4: text += Array("\r3,4".utf8)
            default:
                let fields = 1 + Int(random.next() % (random.next() % 8 == 0 ? 40 : 4))
                for field in 0..<fields {
                    if field > 0 { text.append(0x2C) }
                    text += Array(String(Double(Int64(bitPattern: random.next()) % 1_000_000) / 997).utf8)
                }
            }
            if random.next() % 5 == 0 { text.append(0x0D) }
            text.append(0x0A)
        }
        if random.next() % 2 == 0, text.last == 0x0A {
            text.removeLast()
            if text.last == 0x0D { text.removeLast() }
        }
        return text
    }

    @Test("same chunks, records, lines and positions as the record scanner", arguments: [false, true])
    func sameChunks(odd: Bool) {
        var random = FuzzTests.generator("RecordSplitterCutTests.sameChunks.\(odd)")
        let sizes: [[(records: Int, bytes: Int)]] = [
            [(1, .max)], [(2, .max)], [(7, 100)], [(8192, 64)], [(8192, 1 << 20)], [(100, 1)], [(3, 200), (50, 65), (1, 10)],
        ]
        var cutAtLineFeeds = false
        for _ in 0..<FuzzTests.iterations {
            let text = Self.text(&random, lines: 1 + Int(random.next() % 120), odd: odd)
            let piece = [1, 7, 63, 4096, 1 << 20][Int(random.next() % 5)]
            let size = sizes[Int(random.next() % UInt64(sizes.count))]
            let maxRecordBytes = random.next() % 4 == 0 ? 90 : 1 << 20
            let scanned = Self.cuts(text, piece: piece, sizes: size, maxRecordBytes: maxRecordBytes, atLineFeeds: false)
            let cut = Self.cuts(text, piece: piece, sizes: size, maxRecordBytes: maxRecordBytes, atLineFeeds: true)
            #expect(cut.cuts == scanned.cuts, "\(String(decoding: text, as: UTF8.self).debugDescription) \(piece) \(size)")
            #expect(cut.error == scanned.error)
            cutAtLineFeeds = cutAtLineFeeds || cut.cutAtLineFeeds
        }
        // Not a comparison of the scanner with itself.
        #expect(cutAtLineFeeds)
    }

    @Test("numeric text is cut at line feeds, and a record over max_record_bytes is still refused")
    func numericText() throws {
        let text = Array((1...5000).map { "\($0),\(Double($0) / 7)\n" }.joined().utf8)
        let splitter = RecordSplitter(source: PieceSource(text, piece: 1 << 16), name: "in.csv", delimiter: 0x2C, maxRecordBytes: 1 << 20)
        var records = 0
        while var chunk = try splitter.nextChunk(maxRecords: 700, maxBytes: 4096) {
            #expect(!chunk.recordsFound)
            chunk.findRecords()
            #expect(chunk.recordLines.first == records + 1)
            records += chunk.count
        }
        #expect(records == 5000)
        let long = Array("1,2\n".utf8) + [UInt8](repeating: 0x31, count: 500) + Array("\n3,4\n".utf8)
        let refusing = RecordSplitter(source: PieceSource(long, piece: 4096), name: "in.csv", delimiter: 0x2C, maxRecordBytes: 400)
        let error = #expect(throws: InputError.self) {
            while try refusing.nextChunk(maxRecords: 100, maxBytes: 1 << 20) != nil {}
        }
        #expect(error?.message.contains("in.csv:2") == true, "\(String(describing: error))")
    }

    /// A pipe: serves `text`, then fails a read as a writer that sends nothing more would block it.
    final class StallingPipe: ByteSource {
        struct ReadPastTheRecords: Error {}
        let text: [UInt8]
        let endless: UInt8?
        var offset = 0
        var bytesConsumed: Int { offset }
        init(_ text: String, then endless: UInt8? = nil) {
            self.text = Array(text.utf8)
            self.endless = endless
        }
        func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
            if offset < text.count {
                let count = min(capacity, text.count - offset, 4096)
                for i in 0..<count { buffer[i] = text[offset + i] }
                offset += count
                return count
            }
            guard let endless, offset < 64 << 20 else { throw ReadPastTheRecords() }
            let count = min(capacity, 4096)
            buffer.update(repeating: endless, count: count)
            offset += count
            return count
        }
    }

    @Test("from a pipe, a chunk goes out once its records are in: no read ahead of them")
    func pipeRecordsGoOut() throws {
        let splitter = RecordSplitter(source: StallingPipe("id,x\na,1\nb,2\nc,3\n"), name: "-", delimiter: 0x2C, maxRecordBytes: 1 << 20)
        let header = try #require(try splitter.nextChunk(maxRecords: 1))
        #expect(header.count == 1)
        let rows = try #require(try splitter.nextChunk(maxRecords: 3, maxBytes: 1 << 20))
        #expect(rows.count == 3 && !rows.recordsFound)
        #expect(throws: StallingPipe.ReadPastTheRecords.self) { try splitter.nextChunk(maxRecords: 3, maxBytes: 1 << 20) }
    }

    @Test("an endless line from a pipe is refused at max_record_bytes, not read on")
    func endlessLine() throws {
        let splitter = RecordSplitter(source: StallingPipe("id,x\na,1\n", then: 0x31), name: "-", delimiter: 0x2C, maxRecordBytes: 100_000)
        _ = try splitter.nextChunk(maxRecords: 1)
        let error = #expect(throws: InputError.self) {
            while try splitter.nextChunk(maxRecords: 8192, maxBytes: 1 << 20) != nil {}
        }
        #expect(error?.message.contains("longer than 100000 bytes") == true, "\(String(describing: error))")
    }

    @Test("a finished record over max_record_bytes from a pipe is refused before anything more is read")
    func longRecordBeforeMore() throws {
        let splitter = RecordSplitter(source: StallingPipe("h\n" + String(repeating: "1", count: 17) + "\n1\n"), name: "-",
                                      delimiter: 0x2C, maxRecordBytes: 16)
        _ = try splitter.nextChunk(maxRecords: 1)
        let error = #expect(throws: InputError.self) {
            while try splitter.nextChunk(maxRecords: 8192, maxBytes: 1 << 20) != nil {}
        }
        #expect(error?.message.contains("-:2") == true && error?.message.contains("longer than 16 bytes") == true,
                "\(String(describing: error))")
    }

    /// `CCPU_cut_at_line_feed` as its comment states it, a byte at a time.
    static func reference(_ bytes: [UInt8], maxLineFeeds: Int, minEnd: Int, previousWasLineFeed: Bool) -> (end: Int, lineFeeds: Int, plain: Bool) {
        var lineFeeds = 0
        var carry = previousWasLineFeed
        for (i, byte) in bytes.enumerated() {
            if byte == 0x22 || (carry && (byte == 0x0A || byte == 0x0D)) { return (-1, lineFeeds, false) }
            carry = byte == 0x0A
            if carry {
                lineFeeds += 1
                if lineFeeds >= maxLineFeeds || i + 1 >= minEnd { return (i + 1, lineFeeds, true) }
            }
        }
        return (-1, lineFeeds, true)
    }

    @Test("the 64-byte scan stops where a byte-at-a-time scan does")
    func scanner() {
        var random = FuzzTests.generator("RecordSplitterCutTests.scanner")
        for _ in 0..<(FuzzTests.iterations * 20) {
            let length = Int(random.next() % 300)
            let quoteOdds = random.next() % 3 == 0 ? 200 : 100_000
            let bytes = (0..<length).map { _ -> UInt8 in
                let draw = random.next() % 1000
                if draw < 1000 / quoteOdds { return 0x22 }
                if draw < 60 { return 0x0A }
                if draw < 62 { return 0x0D }
                return draw % 2 == 0 ? 0x31 : 0x2C
            }
            let maxLineFeeds = random.next() % 4 == 0 ? Int.max : 1 + Int(random.next() % 20)
            let minEnd = random.next() % 3 == 0 ? Int.max : 1 + Int(random.next() % 320)
            let previous = random.next() % 2 == 0
            let expected = Self.reference(bytes, maxLineFeeds: maxLineFeeds, minEnd: minEnd, previousWasLineFeed: previous)
            // A line at a time, SSE2, and AVX2 where the processor has it.
            for vector in 0...CPUFeatures.lineCutVector {
                let cut = bytes.withUnsafeBufferPointer {
                    CCPU_cut_at_line_feed($0.baseAddress, length, maxLineFeeds, minEnd, 0x22, previous ? 1 : 0, vector)
                }
                #expect(cut.end == expected.end && cut.line_feeds == expected.lineFeeds && (cut.plain != 0) == expected.plain,
                        "\(bytes) \(maxLineFeeds) \(minEnd) \(previous) vector \(vector): \(cut) against \(expected)")
            }
        }
    }

    @Test("a worker finds the same record ends as a byte-at-a-time scan, for lines of every length from 1 byte")
    func recordEnds() {
        var random = FuzzTests.SplitMix(state: 23)
        for round in 0..<300 {
            // Lines of 1 to 40 bytes (short ones often), the last with or without its line feed.
            var text: [UInt8] = []
            for _ in 0..<(1 + Int(random.next() % 60)) {
                let length = random.next() % 3 == 0 ? Int(random.next() % 3) : Int(random.next() % 40)
                text += (0..<length).map { _ in UInt8(ascii: "0") + UInt8(random.next() % 10) }
                text.append(0x0A)
            }
            if round % 2 == 1 { text.removeLast() }
            var expected: [Int] = []
            for (i, byte) in text.enumerated() where byte == 0x0A { expected.append(i + 1) }
            if text.last != 0x0A { expected.append(text.count) }
            var chunk = RawChunk(index: 0, bytes: text + [UInt8](repeating: 0, count: RawChunk.padding), lines: expected.count,
                                 firstLine: 5, source: "in.csv")
            chunk.findRecords()
            #expect(chunk.recordEnds == expected, "round \(round): \(text.count) bytes")
            #expect(chunk.recordLines == Array(5..<(5 + expected.count)))
        }
    }
}
