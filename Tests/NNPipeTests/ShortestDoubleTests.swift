import Foundation
import Testing
@testable import NNPipe

/// `FloatFormatter.writeShortest` (ShortestDouble, through the tests' `appendShortest`) against the standard library's
/// `Double.description`, byte for byte (every NaN is `nan`, as in `description` and Python's
/// `repr`; `Double.write(to:)`, the other reference, spells some NaNs `-nan` or `nan(0x…)`). `NNPIPE_FUZZ_ITERATIONS` scales the random bit
/// patterns (7,000 per iteration; default 300, so 2,100,000) and the structured values (4,000 per
/// iteration, so 1,200,000); `NNPIPE_FUZZ_SEED` replays a seed.
@Suite("ShortestDouble against Double.description")
struct ShortestDoubleTests {
    static let randomPatterns = max(1, FuzzTests.iterations) * 7_000
    static let seed = FuzzTests.seed

    /// The formatter's bytes for `value`.
    static func formatted(_ value: Double) -> [UInt8] {
        var buffer: [UInt8] = []
        FloatFormatter.appendShortest(value, to: &buffer)
        return buffer
    }

    /// Values whose texts differ from the standard library's (at most `limit` of them, for the
    /// message). The oracle is `Double.write(to:)`, the path `appendShortest` took before
    /// ShortestDouble, into bytes (`nan` for NaNs); with `alsoDescription`, `description` is checked as well.
    static func mismatches(_ values: some Sequence<Double>, alsoDescription: Bool = true, limit: Int = 10) -> [String] {
        var found: [String] = []
        var buffer: [UInt8] = []
        var expected: [UInt8] = []
        buffer.reserveCapacity(64)
        expected.reserveCapacity(64)
        for value in values {
            buffer.removeAll(keepingCapacity: true)
            expected.removeAll(keepingCapacity: true)
            FloatFormatter.appendShortest(value, to: &buffer)
            if value.isNaN { expected.append(contentsOf: "nan".utf8) } else { FloatFormatter.appendDescription(value, to: &expected) }
            var same = buffer == expected
            if alsoDescription && !value.isNaN { same = same && buffer.elementsEqual(value.description.utf8) }
            if !same {
                found.append("\(value.description) (0x\(String(value.bitPattern, radix: 16))): got \(String(decoding: buffer, as: UTF8.self))")
                if found.count >= limit { break }
            }
        }
        return found
    }

    /// Values that do not read back to themselves (NaN aside).
    static func roundTripFailures(_ values: some Sequence<Double>) -> [String] {
        values.compactMap { value in
            guard !value.isNaN else { return nil }
            let text = String(decoding: formatted(value), as: UTF8.self)
            return Double(text)?.bitPattern == value.bitPattern ? nil : "\(text) (0x\(String(value.bitPattern, radix: 16)))"
        }
    }

    static var edgeCases: [Double] {
        var values: [Double] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .leastNormalMagnitude, Double.leastNormalMagnitude.nextDown, Double.leastNormalMagnitude.nextUp,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, Double.greatestFiniteMagnitude.nextDown,
            0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, -1.0 / 3, 0x1p53, 0x1p54,
            Double(0x1p53).nextUp, Double(0x1p53).nextDown, Double(0x1p54).nextDown, Double(0x1p54).nextUp,
            1e15, 1e16, 1e17, 1e22, 1e23, 5e-324, 1e-323, 2.2250738585072014e-308, 1.7976931348623157e308,
            0.0001, 0.00001, 0.00011, 0.000099999, 123456789012345.67,
            0.9630988349234587, 1e-05, 5e-5,
            100, 1000, 12300, 0.5, 0.25, 0.125, 1.5, 2.5, 999999999999999.9, 9999999999999998,
            4503599627370497, 0.30000000000000004, 1.7976931348623157e308 / 3,
            Double(Float.greatestFiniteMagnitude), Double(Float.leastNonzeroMagnitude), Double(Float(0.1)),
        ]
        // Decimals no double holds, by the bit patterns of the doubles either side of them (a
        // literal would be rounded by the compiler to one of them, silently).
        let between: [UInt64] = [
            0x4340_0000_0000_0000, 0x4340_0000_0000_0001,  // 2^53 + 1: 2^53 and 2^53 + 2
            0x4330_0000_0000_0000, 0x4330_0000_0000_0001,  // 2^52 + 0.5: 2^52 and 2^52 + 1
            0x4311_8B54_F22A_EB02, 0x4311_8B54_F22A_EB03,  // 1234567890123456.7: …456.5 and …456.75
            0x3F1A_36E2_EB1C_432C, 0x3F1A_36E2_EB1C_432D,  // 0.00009999999999999999: either side of 0.0001's double
            0x0000_0000_0000_0000, 0x0000_0000_0000_0001,  // 2.5e-324: zero and the least subnormal
        ]
        values += between.map { Double(bitPattern: $0) }
        for exponent in -1074...1023 {
            let power = Double(sign: .plus, exponent: exponent, significand: 1)
            values += [power, power.nextUp, power.nextDown, -power]
        }
        for exponent in -323...308 {
            guard let power = Double("1e\(exponent)") else { continue }
            values += [power, power.nextUp, power.nextDown, -power, power * 1.5, power * 9.999999999999998]
        }
        for integer in -1000...1000 { values.append(Double(integer)) }
        // Every subnormal significand width, and a run of the smallest subnormals.
        for bit in 0..<52 { values.append(Double(bitPattern: 1 << bit)); values.append(Double(bitPattern: (1 << bit) - 1)) }
        for pattern in UInt64(1)...2000 { values.append(Double(bitPattern: pattern)) }
        // The point after each of the first sixteen digits, and integers of every length.
        var scaled = 1.2345678901234567
        var integer = 7.0
        for _ in 0..<17 {
            values += [scaled, -scaled, integer, integer + 0.5]
            scaled *= 10
            integer = integer * 10 + 3
        }
        return values
    }

    @Test("edge cases: powers of two and ten, subnormals, extremes, notation thresholds")
    func edgeCasesMatch() {
        let values = Self.edgeCases
        #expect(values.count > 10_000)
        #expect(Self.mismatches(values) == [])
        #expect(Self.roundTripFailures(values) == [])
    }

    @Test("spelled as description", arguments: [
        (0.9630988349234587, "0.9630988349234587"), (1e-05, "1e-05"), (1.0, "1.0"), (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (-0.0, "-0.0"), (.infinity, "inf"),
        (-.infinity, "-inf"), (1e16, "1e+16"), (0.0001, "0.0001"), (0x1p53, "9007199254740992.0"),
        (0.000123, "0.000123"), (-123.456, "-123.456"), (1.5e-300, "1.5e-300"), (0.1, "0.1"),
        (Double(bitPattern: 0x4340_0000_0000_0001), "9.007199254740994e+15"), (Double(bitPattern: 0x0000_0000_0000_0001), "5e-324"),
        (Double(bitPattern: 0x4311_8B54_F22A_EB02), "1234567890123456.5"),
    ])
    func spelling(_ value: Double, _ text: String) {
        #expect(String(decoding: Self.formatted(value), as: UTF8.self) == text)
    }

    @Test("every NaN is nan, in shortest and fixed form", arguments: [
        Double.nan, -Double.nan, .signalingNaN, Double(bitPattern: 0x7FF8_0000_0000_1234), 0.0 * -Double.infinity,
    ])
    func nans(_ value: Double) {
        #expect(String(decoding: Self.formatted(value), as: UTF8.self) == "nan")
        var fixed: [UInt8] = []
        FloatFormatter.appendFixed(value, decimals: 3, to: &fixed)
        #expect(String(decoding: fixed, as: UTF8.self) == "nan")
    }

    @Test("random bit patterns")
    func randomBitPatterns() {
        var rng = FuzzTests.SplitMix(state: Self.seed)
        let values = (0..<Self.randomPatterns).lazy.map { _ in Double(bitPattern: rng.next()) }
        #expect(Self.mismatches(values, alsoDescription: false) == [])
        var roundTrip = FuzzTests.SplitMix(state: Self.seed &+ 1)
        #expect(Self.roundTripFailures((0..<100_000).map { _ in Double(bitPattern: roundTrip.next()) }) == [])
    }

    /// Seeded values of the kinds where a shortest-digit algorithm has its special cases, 4,000
    /// per fuzz iteration (1,200,000 by default), each with its two neighbours: subnormals; powers
    /// of two (the lower neighbour is half as far); short decimals (m × 10^±j, m of 1 to 17
    /// digits, so the digits end in zeros before they are removed) scaled by a power of two or
    /// not; integers near 2^53; and bit patterns with a random exponent and few fraction bits.
    static func structuredValues(count: Int, seed: UInt64) -> [Double] {
        var rng = FuzzTests.SplitMix(state: seed)
        // Exact powers of ten: a quotient or product with one rounds once.
        let exactPowers: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }
        var values: [Double] = []
        values.reserveCapacity(count * 3)
        for index in 0..<count {
            let random = rng.next()
            let value: Double
            switch index % 6 {
            case 0:  // a subnormal
                value = Double(bitPattern: random & (1 << 52 - 1))
            case 1:  // a power of two, any exponent
                value = Double(bitPattern: (random % 2046 + 1) << 52)
            case 2, 3:  // a short decimal, then for half of them a power of two apart
                let digits = Int(random % 17) + 1
                let mantissa = Double(rng.next() % UInt64(exactPowers[digits]))
                let power = exactPowers[Int(rng.next() % 23)]
                var decimal = rng.next() & 1 == 0 ? mantissa / power : mantissa * power
                if index % 6 == 3 { decimal *= Double(sign: .plus, exponent: Int(rng.next() % 2000) - 1000, significand: 1) }
                value = decimal
            case 4:  // an integer near 2^53, either side
                value = Double(bitPattern: (0x1p53 as Double).bitPattern &+ (random % 2_000_000) &- 1_000_000)
            default:  // any exponent, at most 8 fraction bits set at the top
                value = Double(bitPattern: (random & 0xFFF0_0000_0000_0000) | (rng.next() & 0xFF) << 44)
            }
            values += [value, value.nextUp, value.nextDown]
        }
        return values
    }

    @Test("structured random values: subnormals, powers of two, short decimals, integers near 2^53, and neighbours")
    func structuredRandomValues() {
        let values = Self.structuredValues(count: max(1, FuzzTests.iterations) * 4_000 / 3, seed: Self.seed &+ 3)
        #expect(values.count >= FuzzTests.iterations * 3_999)
        #expect(Self.mismatches(values) == [])
    }

    @Test("random values like a network's outputs: sigmoids, and 7-significant-digit values")
    func typicalOutputs() {
        var rng = FuzzTests.SplitMix(state: Self.seed &+ 2)
        var values: [Double] = []
        for _ in 0..<200_000 {
            let x = Double.random(in: -40...40, using: &rng)
            values.append(1 / (1 + exp(-x)))
            values.append(Double.random(in: 0..<1, using: &rng))
        }
        for _ in 0..<200_000 {
            let mantissa = Int.random(in: 1_000_000...9_999_999, using: &rng)
            let exponent = Int.random(in: -14...10, using: &rng)
            let value = Double("\(Bool.random(using: &rng) ? "-" : "")\(mantissa)e\(exponent)") ?? 0
            values.append(value)
        }
        #expect(Self.mismatches(values) == [])
        #expect(Self.roundTripFailures(values.prefix(100_000)) == [])
    }

    @Test("appends after what the buffer holds, growing it as needed")
    func appends() {
        var buffer = Array("id,".utf8)
        var expected = "id,"
        for value in [0.5, -1e-7, 12345.678, 0x1p60, 3.0] {
            FloatFormatter.appendShortest(value, to: &buffer)
            buffer.append(0x2C)
            expected += value.description + ","
        }
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
    }
}
