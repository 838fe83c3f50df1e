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

    @Test("the one-pass split gives libcsv's fields on random unquoted records")
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

    /// A record of 1 to 300 bytes from `alphabet`, one in `specialOneIn` with a quote or a carriage
    /// return at a random place; nil for a lone carriage return (a blank line never reaches the
    /// parser: the reader skips it; libcsv gives it no field).
    static func randomRecord(_ rng: inout FuzzTests.SplitMix, alphabet: [UInt8], specialOneIn: Int) -> [UInt8]? {
        var record = (0..<Int.random(in: 1...300, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
        if Int.random(in: 0..<specialOneIn, using: &rng) == 0 {
            record[Int.random(in: 0..<record.count, using: &rng)] = [0x22, 0x0D].randomElement(using: &rng)!
        }
        return record == [0x0D] ? nil : record
    }

    /// Records of up to 300 bytes (so up to 300 fields: past the first 64 the arrays grow), some
    /// with a quote or a carriage return anywhere, each followed in its buffer by bytes that must
    /// change nothing (delimiters, quotes, carriage returns): the sixteen-byte steps read past the
    /// record's end whenever the buffer allows.
    @Test("the one-pass split ignores what follows the record and finds quotes at any offset")
    func splitWithReadableTail() throws {
        var rng = FuzzTests.generator("splitWithReadableTail")
        let alphabet = Array("ab1.-e ,,,\t".utf8)
        let tailBytes = Array(",\"\r\na".utf8)
        for _ in 0..<20_000 {
            guard let record = Self.randomRecord(&rng, alphabet: alphabet, specialOneIn: 4) else { continue }
            let end: [UInt8] = [[], [0x0A], [0x0D, 0x0A]].randomElement(using: &rng)!
            let tail = (0..<Int.random(in: 0...20, using: &rng)).map { _ in tailBytes.randomElement(using: &rng)! }
            let buffer = record + end + tail
            let count = record.count + end.count
            let split = CSVRecordParser(delimiter: 0x2C)
            let reference = CSVRecordParser(delimiter: 0x2C)
            buffer.withUnsafeBufferPointer { bytes in
                let start = bytes.baseAddress!
                let splitResult = Result { () throws(CSVRecordParser.Problem) in
                    try split.parse(start, count: count, readableEnd: start + bytes.count)
                    return fields(split)
                }
                let referenceResult = Result { () throws(CSVRecordParser.Problem) in
                    try reference.parseWithLibcsv(start, count: count)
                    return fields(reference)
                }
                let text = String(decoding: buffer[0..<count], as: UTF8.self).debugDescription
                switch (splitResult, referenceResult) {
                case (.success(let a), .success(let b)): #expect(a == b, "\(text)")
                case (.failure(let a), .failure(let b)): #expect(a == b, "\(text)")
                default: Issue.record("\(text): \(splitResult) vs libcsv's \(referenceResult)")
                }
            }
        }
    }

    /// A pipeline that reads the first few fields of a wide record asks for only those: the
    /// count of fields is still the record's (a short or long record is still reported), and the
    /// fields asked for are libcsv's, whatever the number asked for (none, some, past the 64 the
    /// arrays first hold, more than there are) and wherever the sixteen-byte steps fall.
    @Test("only the fields asked for are kept, and all are counted")
    func fieldsWantedAreCounted() throws {
        var rng = FuzzTests.generator("fieldsWantedAreCounted")
        let alphabet = Array("ab1.-e ,,,,\t".utf8)
        for _ in 0..<20_000 {
            guard let record = Self.randomRecord(&rng, alphabet: alphabet, specialOneIn: 8) else { continue }
            let wanted = [0, 1, 2, Int.random(in: 0...80, using: &rng), 200, .max].randomElement(using: &rng)!
            let buffer = record + [0x0A] + [UInt8](repeating: 0x2C, count: Int.random(in: 0...20, using: &rng))
            let parser = CSVRecordParser(delimiter: 0x2C)
            let reference = CSVRecordParser(delimiter: 0x2C)
            buffer.withUnsafeBufferPointer { bytes in
                let start = bytes.baseAddress!
                let text = String(decoding: record, as: UTF8.self).debugDescription
                let referenceResult = Result { () throws(CSVRecordParser.Problem) in
                    try reference.parseWithLibcsv(start, count: record.count + 1)
                    return fields(reference)
                }
                do throws(CSVRecordParser.Problem) {
                    try parser.parse(start, count: record.count + 1, readableEnd: start + bytes.count, fieldsWanted: wanted)
                    let all = try referenceResult.get()
                    let kept = (0..<min(wanted, parser.fieldCount)).map { String(decoding: parser.field($0), as: UTF8.self) }
                    #expect(parser.fieldCount == all.count && kept == Array(all.prefix(wanted)), "\(text), \(wanted) wanted")
                } catch {
                    #expect(Result<[String], CSVRecordParser.Problem>.failure(error) == referenceResult, "\(text)")
                }
            }
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
