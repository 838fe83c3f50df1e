import Foundation
import Testing
@testable import NNPipe

@Suite("RecordSplitter")
struct RecordSplitterTests {
    /// The records and their first lines, reading `text` in pieces of `piece` bytes.
    func split(_ text: [UInt8], piece: Int, chunkRows: Int = 2) throws -> [(String, Int)] {
        let splitter = RecordSplitter(source: PieceSource(text, piece: piece), name: "t", delimiter: 0x2C, maxRecordBytes: 1 << 20)
        var records: [(String, Int)] = []
        while var chunk = try splitter.nextChunk(maxRecords: chunkRows) {
            chunk.findRecords()
            #expect(chunk.count <= chunkRows)
            for i in 0..<chunk.count {
                records.append((String(decoding: chunk.bytes[chunk.range(of: i)], as: UTF8.self), chunk.recordLines[i]))
            }
        }
        return records
    }

    static let input = Array("h1,h2\n\"a\nb\",1\r\n\n\"say \"\"x\"\"\",\"\"\nplain,2\n\"q,\"\"\n\",3\nlast,4".utf8)
    static let expected: [(String, Int)] = [
        ("h1,h2\n", 1), ("\"a\nb\",1\r\n", 2), ("\"say \"\"x\"\"\",\"\"\n", 5), ("plain,2\n", 6),
        ("\"q,\"\"\n\",3\n", 7), ("last,4", 9),
    ]

    @Test("same records and lines whatever the read size", arguments: [1, 2, 3, 7, 64, 4096])
    func pieces(piece: Int) throws {
        let records = try split(Self.input, piece: piece)
        #expect(records.map(\.0) == Self.expected.map(\.0))
        #expect(records.map(\.1) == Self.expected.map(\.1))
    }

    @Test("same records whatever the chunk size, across refills and blank lines",
          arguments: [1, 3, 100], [1, 7, 4096])
    func chunkSizes(chunkRows: Int, piece: Int) throws {
        let text = Array("\n\r\n".utf8) + Self.input + Array("\n\n\nafter,5\n\n".utf8)
        let records = try split(text, piece: piece, chunkRows: chunkRows)
        let expected = Self.expected.map(\.0).dropLast() + ["last,4\n", "after,5\n"]
        #expect(records.map(\.0) == Array(expected))
        #expect(records.map(\.1) == [3, 4, 7, 8, 9, 11, 14])
    }

    @Test("a byte-order mark is dropped, even when read a byte at a time", arguments: [1, 2, 4096])
    func bom(piece: Int) throws {
        let records = try split([0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8), piece: piece)
        #expect(records.map(\.0) == ["a,b\n", "1,2\n"])
    }

    @Test("a record over the byte limit is an error naming its line")
    func tooLong() throws {
        let text = Array("a\n\"open quote never closed\n".utf8) + [UInt8](repeating: 0x41, count: 300)
        let splitter = RecordSplitter(source: PieceSource(text, piece: 7), name: "t.csv", delimiter: 0x2C, maxRecordBytes: 100)
        let error = #expect(throws: InputError.self) {
            while try splitter.nextChunk(maxRecords: 10) != nil {}
        }
        #expect(error?.message.contains("t.csv:2") == true, "\(String(describing: error))")
        #expect(error?.message.contains("longer than 100 bytes") == true, "\(String(describing: error))")
    }
}
