import Foundation
import Glibc
import Testing
@testable import NNPipe

/// FloatParser against glibc's `strtod` on seeded random text in the shapes that reach each of its
/// paths: 7 and 17 significant digits (the common inputs: `%.7g` and Python's repr), 19 and 20
/// digits (the edge of the 64-bit mantissa), exponents at the subnormal and overflow boundaries,
/// halfway cases between two doubles, leading and trailing zeros, `.5` and `5.`, one integer digit
/// with 0 to 21 fraction digits and 2 to 9 with 0 to 14 (the short path's shapes), and mantissas
/// at the paths' edges
/// (2^53 ± 2, 10^8, 10^16, 10^19, 2^64 - 1) with powers of ten near ±22. Every text
/// is parsed twice: alone, and followed by bytes the eight-digit reads may see. A value `strtod`
/// makes infinite must be refused; any other must match bit for bit.
///
/// `NNPIPE_FUZZ_ITERATIONS` scales the count (default 300: 90,000 texts per shape, 1,080,000 in
/// all); `NNPIPE_FUZZ_SEED` replays a seed. A failure prints the text.
@Suite("FloatParser against strtod, seeded")
struct FloatParserOracleTests {
    static let iterations = FuzzTests.iterations
    static let seed = FuzzTests.seed

    enum Shape: String, CaseIterable, Sendable {
        case sevenDigits, seventeenDigits, nineteenDigits, twentyDigits, nearSubnormal, nearOverflow,
             halfway, zeros, bare, oneIntegerDigit, severalIntegerDigits, mantissaEdges
    }

    /// Integers at the edges of the paths: 2^53 ± 2 (the exact-division limit), 10^8 ± 1 (one
    /// eight-digit word), 10^15, 10^16, 10^19 ± 1 and 2^64 - 1 (the 19-digit mantissa).
    static let edgeMantissas: [UInt64] = [
        (1 << 53) - 2, (1 << 53) - 1, 1 << 53, (1 << 53) + 1, (1 << 53) + 2, 99_999_999, 100_000_000,
        100_000_001, 999_999_999_999_999, 1_000_000_000_000_000, 9_999_999_999_999_999,
        10_000_000_000_000_000, 9_999_999_999_999_999_999, 10_000_000_000_000_000_000, UInt64.max,
    ]

    /// Appends `count` random decimal digits, the first nonzero when `leading` is false.
    static func appendDigits(_ count: Int, to text: inout [UInt8], nonzeroFirst: Bool,
                             _ rng: inout FuzzTests.SplitMix) {
        for k in 0..<count {
            let low: UInt64 = k == 0 && nonzeroFirst ? 1 : 0
            text.append(0x30 + UInt8(UInt64.random(in: low...9, using: &rng)))
        }
    }

    /// Digits with a decimal point placed anywhere (or none), as `123.45`, `.12345`, `12345.`.
    static func appendDecimal(_ digits: [UInt8], to text: inout [UInt8], _ rng: inout FuzzTests.SplitMix) {
        let point = Int.random(in: -1...digits.count, using: &rng)
        for (k, digit) in digits.enumerated() {
            if k == point { text.append(0x2E) }
            text.append(digit)
        }
        if point == digits.count { text.append(0x2E) }
    }

    static func appendExponent(_ exponent: Int, to text: inout [UInt8], _ rng: inout FuzzTests.SplitMix) {
        text.append(Bool.random(using: &rng) ? 0x65 : 0x45)
        if exponent >= 0, Bool.random(using: &rng) { text.append(0x2B) }
        text += Array(String(exponent).utf8)
    }

    /// One random text of `shape`.
    static func text(_ shape: Shape, _ rng: inout FuzzTests.SplitMix) -> [UInt8] {
        var text: [UInt8] = []
        if Bool.random(using: &rng) { text.append(0x2D) }
        switch shape {
        case .sevenDigits, .seventeenDigits, .nineteenDigits, .twentyDigits:
            let count = [Shape.sevenDigits: 7, .seventeenDigits: 17, .nineteenDigits: 19][shape] ?? 20
            var digits: [UInt8] = []
            appendDigits(count, to: &digits, nonzeroFirst: true, &rng)
            // As printf and repr write them: 0.000ddd, d.ddd, ddd.d, or d.ddde±x.
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                text += Array("0.".utf8) + [UInt8](repeating: 0x30, count: Int.random(in: 0...4, using: &rng)) + digits
            case 1:
                let point = Int.random(in: 1...count, using: &rng)
                text += digits[..<point]
                text.append(0x2E)
                text += digits[point...]
            case 2:
                text.append(digits[0])
                text.append(0x2E)
                text += digits[1...]
                appendExponent(Int.random(in: -40...40, using: &rng), to: &text, &rng)
            default:
                appendDecimal(digits, to: &text, &rng)
                appendExponent(Int.random(in: -345...330, using: &rng), to: &text, &rng)
            }
        case .nearSubnormal, .nearOverflow:
            // d.ddd…e±x with the value near 2.2e-308 (smallest normal), 4.9e-324 (smallest
            // subnormal) or 1.8e308 (largest double).
            var digits: [UInt8] = []
            appendDigits(Int.random(in: 1...20, using: &rng), to: &digits, nonzeroFirst: true, &rng)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                // Near the boundaries' own digits: 22250738585072014, 49406564584124654, 17976931348623157.
                let prefixes = shape == .nearSubnormal ? ["22250738585072", "49406564584124", "24703282292062"]
                    : ["17976931348623", "17976931348623157", "8988465674311579"]
                digits = Array(prefixes.randomElement(using: &rng)!.utf8) + digits.prefix(Int.random(in: 0...5, using: &rng))
            }
            text.append(digits[0])
            text.append(0x2E)
            text += digits[1...]
            let exponent = shape == .nearSubnormal ? Int.random(in: -345 ... -300, using: &rng) : Int.random(in: 300...310, using: &rng)
            appendExponent(exponent, to: &text, &rng)
        case .halfway:
            // An integer n in [2^(52+k), 2^(53+k)) halfway between two doubles (n mod 2^k = 2^(k-1)),
            // or one step beside it, written as n, n.0, or with the point moved and an exponent.
            let k = Int.random(in: 1...10, using: &rng)
            let high = UInt64.random(in: (1 << 52)..<(1 << 53), using: &rng)
            var n = high << UInt64(k) | 1 << UInt64(k - 1)
            n = n &+ UInt64(bitPattern: Int64.random(in: -1...1, using: &rng))
            let digits = Array(String(n).utf8)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                text += digits
            case 1:
                text += digits + Array(".0".utf8)
            default:
                let point = Int.random(in: 1...digits.count, using: &rng)
                text += digits[..<point]
                text.append(0x2E)
                text += digits[point...]
                appendExponent(digits.count - point, to: &text, &rng)
            }
        case .zeros:
            // Leading zeros before and after the point, trailing zeros after the digits.
            text += [UInt8](repeating: 0x30, count: Int.random(in: 0...25, using: &rng))
            var digits: [UInt8] = []
            appendDigits(Int.random(in: 1...19, using: &rng), to: &digits, nonzeroFirst: true, &rng)
            if Bool.random(using: &rng) {
                text.append(0x2E)
                text += [UInt8](repeating: 0x30, count: Int.random(in: 0...25, using: &rng))
                text += digits
            } else {
                text += digits
                text.append(0x2E)
            }
            text += [UInt8](repeating: 0x30, count: Int.random(in: 0...25, using: &rng))
            if Bool.random(using: &rng) { appendExponent(Int.random(in: -30...30, using: &rng), to: &text, &rng) }
        case .bare:
            // Short forms: `.5`, `5.`, `0`, `-0.0`, `5e3`, `.5e-3`.
            var digits: [UInt8] = []
            appendDigits(Int.random(in: 1...4, using: &rng), to: &digits, nonzeroFirst: false, &rng)
            appendDecimal(digits, to: &text, &rng)
            if Bool.random(using: &rng) { appendExponent(Int.random(in: -330...330, using: &rng), to: &text, &rng) }
        case .oneIntegerDigit:
            // `d.` then 0 to 21 fraction digits (across the eight-digit words: 7, 8, 9, 15, 16,
            // 17, 18, 19 and 20 digits in all), with leading zeros after the point, or trailing ones.
            text.append(0x30 + UInt8.random(in: 0...9, using: &rng))
            text.append(0x2E)
            var fraction: [UInt8] = []
            appendDigits(Int.random(in: 0...21, using: &rng), to: &fraction, nonzeroFirst: false, &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: fraction = [UInt8](repeating: 0x30, count: Int.random(in: 1...4, using: &rng)) + fraction
            case 1: fraction += [UInt8](repeating: 0x30, count: Int.random(in: 1...4, using: &rng))
            default: break
            }
            text += fraction.prefix(21)
        case .severalIntegerDigits:
            // 2 to 9 integer digits (the point within the first eight bytes or past them), then 0
            // to 14 fraction digits: `12.5`, `1234567.`, `123456789.12`.
            var digits: [UInt8] = []
            appendDigits(Int.random(in: 2...9, using: &rng), to: &digits, nonzeroFirst: Bool.random(using: &rng), &rng)
            text += digits
            text.append(0x2E)
            appendDigits(Int.random(in: 0...14, using: &rng), to: &text, nonzeroFirst: false, &rng)
        case .mantissaEdges:
            // An edge mantissa with the point after its first digit (the short path's shape) or
            // anywhere, and an exponent that keeps the power of ten at 10^±21...10^±23, or none.
            let digits = Array(String(Self.edgeMantissas.randomElement(using: &rng)!).utf8)
            let point = Bool.random(using: &rng) ? 1 : Int.random(in: 1...digits.count, using: &rng)
            text += digits[..<point]
            text.append(0x2E)
            text += digits[point...]
            if Bool.random(using: &rng) {
                let fraction = digits.count - point
                appendExponent(fraction + [-23, -22, -21, 0, 21, 22, 23].randomElement(using: &rng)!, to: &text, &rng)
            }
        }
        return text
    }

    /// strtod's double for `text`.
    static func reference(_ text: [UInt8]) -> Double {
        (text + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
        }
    }

    @Test("bit for bit with strtod", arguments: Shape.allCases)
    func againstStrtod(_ shape: Shape) {
        var rng = FuzzTests.SplitMix(state: Self.seed &+ UInt64(Shape.allCases.firstIndex(of: shape)!) &* 1_000_003)
        let followers: [[UInt8]] = [Array(",1234567".utf8), Array("98765432".utf8), Array("\n-0.5,1e".utf8), Array(".5e-0007".utf8)]
        var mismatches = 0
        var checked = 0
        for iteration in 0..<Self.iterations * 300 {
            let text = Self.text(shape, &rng)
            let expected = Self.reference(text)
            let padded = text + followers[iteration & 3]
            let (alone, inPlace) = padded.withUnsafeBufferPointer { buffer in
                (FloatParser.parse(buffer.baseAddress!, count: text.count),
                 FloatParser.parse(buffer.baseAddress!, count: text.count, readable: buffer.count))
            }
            let ok = expected.isFinite
                ? alone?.bitPattern == expected.bitPattern && inPlace?.bitPattern == expected.bitPattern
                : alone == nil && inPlace == nil
            if !ok {
                mismatches += 1
                if mismatches <= 10 {
                    Issue.record("\(String(decoding: text, as: UTF8.self)): strtod \(expected), parsed \(String(describing: alone)) / \(String(describing: inPlace)) (seed \(Self.seed), iteration \(iteration))")
                }
            }
            checked += 1
        }
        #expect(mismatches == 0, "\(mismatches) of \(checked) texts differ from strtod")
    }
}
