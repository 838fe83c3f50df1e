import Foundation
import Glibc
import Testing
@testable import NNPipe

@Suite("FloatParser")
struct FloatParserTests {
    func parse(_ text: String) -> Double? { FloatParser.parse(Array(text.utf8)) }

    func strtodReference(_ text: String) -> Double { strtod(text, nil) }

    @Test("agrees bit for bit with strtod on random decimal text")
    func randomAgainstStrtod() {
        var generator = FuzzTests.generator("randomAgainstStrtod")
        var checked = 0
        for _ in 0..<200_000 {
            let digits = Int.random(in: 1...20, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            let point = Int.random(in: 0...digits, using: &generator)
            for i in 0..<digits {
                if i == point && i > 0 { text += "." }
                text += String(Int.random(in: 0...9, using: &generator))
            }
            if Int.random(in: 0..<3, using: &generator) == 0 {
                text += "e\(Int.random(in: -330...310, using: &generator))"
            }
            let reference = strtodReference(text)
            guard reference.isFinite else {
                #expect(parse(text) == nil, "\(text) overflows")
                continue
            }
            #expect(parse(text)?.bitPattern == reference.bitPattern, "\(text)")
            checked += 1
        }
        #expect(checked > 150_000)
    }

    @Test("agrees with strtod on 7-significant-digit values, the common input")
    func sevenDigits() {
        var rng = FuzzTests.generator("sevenDigits")
        for _ in 0..<100_000 {
            let value = Double.random(in: -1e4...1e4, using: &rng) * pow(10, Double(Int.random(in: -8...8, using: &rng)))
            let text = String(format: "%.7g", value)
            #expect(parse(text)?.bitPattern == strtodReference(text).bitPattern, "\(text)")
        }
    }

    @Test("accepted forms", arguments: [
        ("1", 1.0), ("-2.5", -2.5), ("+3", 3.0), (".5", 0.5), ("3.", 3.0), ("6.02e23", 6.02e23), ("1E-3", 1e-3),
        ("  42  ", 42.0), ("\t7", 7.0), ("-0", -0.0), ("0.000", 0.0), ("1e-400", 0.0),
        ("123456789012345678901234567890", 1.2345678901234568e29),
    ])
    func accepted(_ text: String, _ expected: Double) {
        #expect(parse(text)?.bitPattern == expected.bitPattern)
    }

    @Test("refused forms", arguments: ["", "   ", "N/A", "nan", "NaN", "inf", "-Infinity", "0x1p3", "1,5", "1e", "e5",
                                       "1.2.3", "--1", "1e400", "-1e400", "12abc", ".", "+", "1 2", "١"])
    func refused(_ text: String) {
        #expect(parse(text) == nil)
    }

    @Test("problem texts name what is wrong")
    func problems() {
        func problem(_ text: String) -> String {
            Array(text.utf8).withUnsafeBufferPointer { FloatParser.problem($0.baseAddress!, count: $0.count) }
        }
        #expect(problem("  ") == "empty value where a number is expected")
        #expect(problem("NaN") == "\"NaN\" is not a finite number")
        #expect(problem("1e400") == "\"1e400\" is out of float64 range")
        #expect(problem("N/A") == "\"N/A\" is not a number")
    }
}

@Suite("FloatFormatter")
struct FloatFormatterTests {
    @Test("shortest round trip reads back to the same double")
    func roundTrip() {
        var rng = FuzzTests.generator("roundTrip")
        let formatter = FloatFormatter()
        var buffer: [UInt8] = []
        for _ in 0..<100_000 {
            let value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            guard value.isFinite else { continue }
            buffer.removeAll(keepingCapacity: true)
            formatter.append(value, to: &buffer)
            #expect(Double(String(decoding: buffer, as: UTF8.self))?.bitPattern == value.bitPattern)
        }
    }

    @Test("the same text as Python's repr for common values", arguments: [
        (0.9630988349234587, "0.9630988349234587"), (1.0, "1.0"), (1e-05, "1e-05"), (0.0001, "0.0001"),
        (-0.5, "-0.5"), (1e+16, "1e+16"), (5e-324, "5e-324"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func pythonRepr(_ value: Double, _ text: String) {
        var buffer: [UInt8] = []
        FloatFormatter().append(value, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == text)
    }

    @Test("fixed decimals")
    func fixed() {
        var buffer: [UInt8] = []
        FloatFormatter(decimals: 3).append(2.0 / 3.0, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "0.667")
    }
}

@Suite("FloatParser, eight digits at a time")
struct FloatParserSWARTests {
    /// Parses `text` followed by `after`, telling the parser the following bytes may be read.
    func parsePadded(_ text: String, after: [UInt8]) -> Double? {
        let bytes = Array(text.utf8) + after
        return bytes.withUnsafeBufferPointer { FloatParser.parse($0.baseAddress!, count: text.utf8.count, readable: $0.count) }
    }

    @Test("the same double as the one-byte-at-a-time path, whatever follows the field")
    func sameAsScalar() {
        var rng = FuzzTests.generator("sameAsScalar")
        let followers: [[UInt8]] = [Array("12345678".utf8), Array(",9,9,9,9".utf8), [0, 0, 0, 0, 0, 0, 0, 0],
                                    [0xFF, 0xFA, 0x39, 0x30, 0x31, 0x32, 0x33, 0x34], Array("e5e5e5e5".utf8)]
        for _ in 0..<50_000 {
            var text = Bool.random(using: &rng) ? "-" : ""
            text += String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            if Bool.random(using: &rng) { text += "." + String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! }) }
            if Int.random(in: 0..<4, using: &rng) == 0 { text += "e\(Int.random(in: -30...30, using: &rng))" }
            let scalar = FloatParser.parse(Array(text.utf8))
            for after in followers {
                #expect(parsePadded(text, after: after)?.bitPattern == scalar?.bitPattern, "\(text) + \(after)")
            }
        }
    }

    /// The short path reads up to three words after the point (9 to 24 digits, as pandas' 17
    /// significant digits need) and takes their count from the field's length: one byte that is
    /// not a digit, anywhere, must send the text to the general path's answer.
    @Test("one stray byte anywhere in a long number gives the general path's answer")
    func strayByteInLongNumber() {
        var rng = FuzzTests.generator("strayByteInLongNumber")
        let strays = Array("x/:.-+e ,\t".utf8) + [0x00, 0xFF, 0x80, 0x2F, 0x3A]
        for _ in 0..<50_000 {
            var text: [UInt8] = Bool.random(using: &rng) ? [0x2D] : []
            text += (0..<Int.random(in: 1...7, using: &rng)).map { _ in UInt8.random(in: 0x30...0x39, using: &rng) }
            text.append(0x2E)
            text += (0..<Int.random(in: 1...24, using: &rng)).map { _ in UInt8.random(in: 0x30...0x39, using: &rng) }
            if Int.random(in: 0..<5, using: &rng) > 0 {
                text[Int.random(in: 0..<text.count, using: &rng)] = strays.randomElement(using: &rng)!
            }
            let general = FloatParser.parse(text)
            let padded = text + Array(",12345678".utf8)
            let inPlace = padded.withUnsafeBufferPointer {
                FloatParser.parse($0.baseAddress!, count: text.count, readable: $0.count)
            }
            #expect(inPlace?.bitPattern == general?.bitPattern, "\(String(decoding: text, as: UTF8.self).debugDescription)")
        }
    }
}
