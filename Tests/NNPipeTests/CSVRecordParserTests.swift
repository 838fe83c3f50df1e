import Testing
@testable import NNPipe

@Suite("CSVRecordParser")
struct CSVRecordParserTests {
    func fields(_ parser: CSVRecordParser) -> [String] {
        (0..<parser.fieldCount).map { String(decoding: parser.field($0), as: UTF8.self) }
    }

    func parse(_ text: String, libcsv: Bool = false) throws(CSVRecordParser.Problem) -> [String] {
        let parser = CSVRecordParser(delimiter: 0x2C)
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(CSVRecordParser.Problem) in
            if libcsv { try parser.parseWithLibcsv(buffer.baseAddress!, count: buffer.count) }
            else { try parser.parse(buffer.baseAddress!, count: buffer.count) }
            return fields(parser)
        }
    }

    @Test("the memchr fast path gives libcsv's fields on random unquoted records")
    func fastPathEqualsLibcsv() throws {
        var rng = FuzzTests.generator("fastPathEqualsLibcsv")
        let alphabet = Array("ab1.-e ,,\t".utf8)
        for _ in 0..<20_000 {
            var record = (0..<Int.random(in: 1...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            if record.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { record.append(0x61) }
            let end: [UInt8] = [[], [0x0A], [0x0D, 0x0A]].randomElement(using: &rng)!
            let text = String(decoding: record + end, as: UTF8.self)
            #expect(try parse(text) == (try parse(text, libcsv: true)), "\(text.debugDescription)")
        }
    }

    @Test("quoted fields go through libcsv", arguments: [
        ("a,\"b,c\",d\n", ["a", "b,c", "d"]),
        ("\"x\"\"y\",\"\"\r\n", ["x\"y", ""]),
        ("\"multi\nline\",2", ["multi\nline", "2"]),
        (" a , b ,", [" a ", " b ", ""]),
    ])
    func quoted(_ text: String, _ expected: [String]) throws {
        #expect(try parse(text) == expected)
    }

    @Test("malformed records", arguments: [
        ("a,b\"c,d\n", CSVRecordParser.Problem.malformedQuote(field: 2)),
        ("\"a\"x,b\n", .malformedQuote(field: 1)),
        ("a,\"open\n", .unterminatedQuote(field: 2)),
        // The field holding a stray carriage return, not the count of fields libcsv saw around it.
        ("a,b\rc,d\n", .strayCarriageReturn(field: 2)),
        ("1,2,3\rx\n", .strayCarriageReturn(field: 3)),
        ("1\r,2,3\n", .strayCarriageReturn(field: 1)),
        ("1,\r2,3\n", .strayCarriageReturn(field: 2)),
    ])
    func malformed(_ text: String, _ problem: CSVRecordParser.Problem) {
        #expect(throws: problem) { try parse(text) }
    }
}
