import Foundation
import Glibc
import Testing
@testable import NNPipe

/// The exponent reader and the long-number paths of ``FloatParser`` against glibc's `strtod`:
/// exponents with many digits or many leading zeros, mantissas of thousands of digits (leading
/// zeros, trailing zeros, or more than 19 significant ones) whose exponent offsets them, and
/// exponents past any double. The exponent must be read exactly whatever the text's length, since
/// the fast paths trust it; every value must be bit for bit the one `strtod` gives (a value that
/// `strtod` makes infinite must be refused).
@Suite("FloatParser exponents and long numbers against strtod")
struct FloatParserExponentTests {
    /// strtod's double for `text`.
    static func reference(_ text: [UInt8]) -> Double {
        (text + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
        }
    }

    /// Parses `text` alone and followed by bytes the eight-digit reads may see; nil when the two
    /// differ (reported by the caller as a mismatch) or the text is refused.
    static func parsed(_ text: [UInt8]) -> (alone: Double?, inPlace: Double?) {
        let padded = text + Array(",98765432e-1".utf8)
        return padded.withUnsafeBufferPointer { buffer in
            (FloatParser.parse(buffer.baseAddress!, count: text.count),
             FloatParser.parse(buffer.baseAddress!, count: text.count, readable: buffer.count))
        }
    }

    /// Whether both parses of `text` give strtod's bits (or both refuse a value strtod makes infinite).
    static func agrees(_ text: [UInt8]) -> Bool {
        let expected = reference(text)
        let (alone, inPlace) = parsed(text)
        if !expected.isFinite { return alone == nil && inPlace == nil }
        return alone?.bitPattern == expected.bitPattern && inPlace?.bitPattern == expected.bitPattern
    }

    static func zeros(_ count: Int) -> String { String(repeating: "0", count: count) }

    /// A shortened form of a long text for a failure message.
    static func shown(_ text: [UInt8]) -> String {
        let string = String(decoding: text, as: UTF8.self)
        guard string.count > 120 else { return string }
        return "\(string.prefix(60))…\(string.suffix(40)) (\(text.count) bytes)"
    }

    @Test("a 1 MB field: 0. then 999,999 zeros then 1e1000005 is 100000")
    func megabyteField() {
        let text = Array(("0." + Self.zeros(999_999) + "1e1000005").utf8)
        #expect(Self.reference(text) == 100_000)
        let (alone, inPlace) = Self.parsed(text)
        #expect(alone == 100_000)
        #expect(inPlace == 100_000)
        // The same digits with the exponent one short, one past, and negative.
        #expect(Self.parsed(Array(("0." + Self.zeros(999_999) + "1e1000004").utf8)).alone == 10_000)
        #expect(Self.parsed(Array(("-0." + Self.zeros(999_999) + "15e+1000006").utf8)).alone == -1_500_000)
        #expect(Self.parsed(Array(("0." + Self.zeros(999_999) + "1e-1000005").utf8)).alone == 0)
    }

    /// Texts whose value the exponent's exact reading decides, each checked against strtod and
    /// against the value written beside it.
    static let cases: [(text: String, value: Double?)] = [
        ("1" + zeros(400) + "e-400", 1),
        ("1" + zeros(400) + ".e-400", 1),
        ("12345" + zeros(4000) + "e-4004", 1.2345),
        ("0." + zeros(400) + "1e+401", 1),
        ("0." + zeros(100_000) + "1e+100001", 1),
        ("0." + zeros(100_000) + "1e100000", 0.1),
        ("0." + zeros(99_999) + "1e100000", 1),
        ("." + zeros(200_000) + "25e200001", 2.5),
        ("0." + zeros(200_000) + "1e200001", 1),
        ("0." + zeros(20) + "123456789012345678901234567890e+50", 1.23456789012345678901234567890e29),
        ("1e0000000000000000000001", 10),
        ("1e-0000000000000000000001", 0.1),
        ("1e+" + zeros(10_000) + "22", 1e22),
        ("1e" + zeros(50) + "308", 1e308),
        ("1e" + zeros(50) + "309", nil),
        ("1e-" + zeros(50) + "324", 0),
        ("4.9406564584124654e-" + zeros(30) + "324", 5e-324),
        ("1e99999999999999999999999999", nil),
        ("1e-99999999999999999999999999", 0),
        ("0e99999999999999999999999999", 0),
        ("-0e99999999999999999999999999", -0.0),
        ("1e9223372036854775807", nil),
        ("1e9223372036854775808", nil),
        ("1e-9223372036854775808", 0),
        ("1e18446744073709551616", nil),
        ("0." + zeros(1000) + "1e18446744073709551616", nil),
        ("1" + zeros(1000) + "e-18446744073709551616", 0),
        ("1" + zeros(2000) + "e-1700", 1e300),
        ("1" + zeros(2000) + "e-1600", nil),
        (zeros(5000) + "7e-5", 7e-5),
        ("  0." + zeros(3000) + "3e3000\t", 0.3),
    ]

    @Test("exponents read exactly at any length", arguments: 0..<cases.count)
    func exactExponent(_ index: Int) {
        let (text, value) = Self.cases[index]
        let bytes = Array(text.utf8)
        let expected = Self.reference(bytes)
        if let value {
            #expect(expected.bitPattern == value.bitPattern, "strtod reads \(Self.shown(bytes)) as \(expected)")
        } else {
            #expect(!expected.isFinite, "strtod reads \(Self.shown(bytes)) as \(expected)")
        }
        let (alone, inPlace) = Self.parsed(bytes)
        #expect(Self.agrees(bytes), "\(Self.shown(bytes)): strtod \(expected), parsed \(String(describing: alone)) / \(String(describing: inPlace))")
    }

    /// One random text in an odd shape: long runs of zeros before and after the point and after
    /// the digits, 1 to 30 significant digits (sometimes hundreds), an exponent that offsets the
    /// zeros to land near 1, near the ends of float64's range, or anywhere (sometimes with dozens
    /// of digits), written with leading zeros and either sign.
    static func oddText(_ rng: inout FuzzTests.SplitMix) -> [UInt8] {
        func length(_ rng: inout FuzzTests.SplitMix) -> Int {
            switch Int.random(in: 0..<8, using: &rng) {
            case 0...2: return 0
            case 3...5: return Int.random(in: 1...30, using: &rng)
            case 6: return Int.random(in: 31...400, using: &rng)
            default: return Int.random(in: 401...3000, using: &rng)
            }
        }
        var text: [UInt8] = []
        if Int.random(in: 0..<8, using: &rng) == 0 { text.append(0x20) }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: text.append(0x2D)
        case 1 where Bool.random(using: &rng): text.append(0x2B)
        default: break
        }
        // One text in 500: a field of about 1 MB, `0.` and a million zeros or more, which only
        // an exponent of seven digits offsets.
        let huge = Int.random(in: 0..<500, using: &rng) == 0
        let leading = huge ? Int.random(in: 1_000_000...1_100_000, using: &rng) : length(&rng)
        let significant = Int.random(in: 0..<6, using: &rng) == 0 ? Int.random(in: 1...400, using: &rng)
            : Int.random(in: 1...30, using: &rng)
        let trailing = length(&rng)
        // Leading zeros, then digits (the first nonzero), then trailing zeros; the point anywhere
        // among them, or at either end, or none.
        var digits = [UInt8](repeating: 0x30, count: leading)
        for k in 0..<significant {
            digits.append(0x30 + UInt8(UInt64.random(in: (k == 0 ? 1 : 0)...9, using: &rng)))
        }
        digits += [UInt8](repeating: 0x30, count: trailing)
        var point: Int
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: point = -1
        case 1: point = leading == 0 ? 0 : 1  // `0.000…ddd`
        default: point = Int.random(in: 0...digits.count, using: &rng)
        }
        if huge { point = Int.random(in: 0...1, using: &rng) }
        if point == 0, digits.count == 0 { point = -1 }
        for (k, digit) in digits.enumerated() {
            if k == point { text.append(0x2E) }
            text.append(digit)
        }
        if point == digits.count { text.append(0x2E) }
        // The decimal exponent of the first significant digit as written, without an exponent.
        let pointAt = point < 0 ? digits.count : point
        let firstDigitPower = pointAt - leading - 1
        if huge || Int.random(in: 0..<10, using: &rng) > 0 {
            text.append(Bool.random(using: &rng) ? 0x65 : 0x45)
            var exponentDigits: [UInt8]
            var negative: Bool
            if !huge, Int.random(in: 0..<10, using: &rng) == 0 {
                // Dozens of digits: far past any double (or exactly zero).
                exponentDigits = []
                for _ in 0..<Int.random(in: 1...40, using: &rng) {
                    exponentDigits.append(0x30 + UInt8.random(in: 0...9, using: &rng))
                }
                negative = Bool.random(using: &rng)
            } else {
                // Lands the first significant digit near 10^0, the subnormals or the overflow.
                let target = [0, 0, -300, -308, -323, -324, -330, 300, 308, 309, Int.random(in: -400...400, using: &rng)]
                    .randomElement(using: &rng)! + Int.random(in: -3...3, using: &rng)
                let exponent = target - firstDigitPower
                negative = exponent < 0
                exponentDigits = Array(String(abs(exponent)).utf8)
            }
            if negative {
                text.append(0x2D)
            } else if Bool.random(using: &rng) {
                text.append(0x2B)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                text += [UInt8](repeating: 0x30, count: Int.random(in: 1...30, using: &rng))
            }
            text += exponentDigits
        }
        if Int.random(in: 0..<8, using: &rng) == 0 { text.append(0x09) }
        return text
    }

    @Test("20,000 seeded long and odd-exponent texts, bit for bit with strtod")
    func seededOddTexts() {
        var rng = FuzzTests.generator("seededOddTexts")
        var mismatches = 0
        for iteration in 0..<20_000 {
            let text = Self.oddText(&rng)
            guard !Self.agrees(text) else { continue }
            mismatches += 1
            if mismatches <= 10 {
                let (alone, inPlace) = Self.parsed(text)
                Issue.record("\(Self.shown(text)): strtod \(Self.reference(text)), parsed \(String(describing: alone)) / \(String(describing: inPlace)) (iteration \(iteration))")
            }
        }
        #expect(mismatches == 0, "\(mismatches) of 20000 texts differ from strtod")
    }
}
