/// The shortest text that reads back to the same double, spelled exactly as `Double.description`
/// spells it, written straight into memory.
///
/// Digits: Dragonbox (Junekey Jeon, 2020-2024; see `shortestDecimal`). The value's rounding
/// interval is scaled by a 128-bit power of ten (`powersOfTen`, from scripts/make_pow10_table.py)
/// with one 64 × 128-bit product; the rare cases where the product's integer part cannot decide
/// are settled exactly from its lower bits. Of the decimals inside the interval it picks the one
/// with the fewest digits, and among those the closest to the value, ties to an even last
/// digit — the same choice as Swift's own formatter. Interval ends count as inside when the
/// binary significand is even (they read back to it). The digits are then written eight at a
/// time (`eightDigits`), as one group of 8 or as 1 + 8 + 8.
///
/// Spelling (`Double.description`'s rules), for digits d₁d₂…dₙ × 10^E:
/// - exponent form `d₁.d₂…dₙe±XX` (`1e-05`, `1.5e+300`, at least two exponent digits) when
///   E < -4 or |value| > 2^53;
/// - otherwise `0.000ddd`, `ddd.ddd`, or an integer with `.0` (`100.0`, `9007199254740992.0`);
/// - `0.0`, `-0.0`, `inf`, `-inf`; a leading `-` when negative. NaN is left to the caller.
enum ShortestDouble {
    /// Bytes `write` may touch at its destination: the longest text is 24 bytes
    /// (`-2.2250738585072014e-308`) and the digits and exponent are stored eight bytes at a time
    /// past it (34 bytes at most).
    static let capacity = 40

    /// Writes `value`'s text at `destination`, which has `capacity` writable bytes, and returns its
    /// length; nil (nothing meaningful written) when `value` is NaN.
    @inline(__always)
    static func write(_ value: Double, to destination: UnsafeMutableRawPointer) -> Int? {
        let bits = value.bitPattern
        let fraction = bits & (1 << 52 - 1)
        let biasedExponent = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF)
        // A "-" always stored, kept only when negative: no branch on the sign, which in mixed
        // data is a coin toss for the branch predictor.
        destination.storeBytes(of: 0x2D, as: UInt8.self)  // "-"
        let out = destination + Int(truncatingIfNeeded: bits >> 63)
        let significand: UInt64
        let exponent: Int
        if biasedExponent == 0x7FF {
            guard fraction == 0 else { return nil }
            out.storeBytes(of: UInt32(0x66_6E_69).littleEndian, as: UInt32.self)  // "inf"
            return (out - destination) &+ 3
        } else if biasedExponent == 0 {
            if fraction == 0 {
                out.storeBytes(of: UInt32(0x30_2E_30).littleEndian, as: UInt32.self)  // "0.0"
                return (out - destination) &+ 3
            }
            significand = fraction
            exponent = -1074
        } else {
            significand = fraction | 1 << 52
            exponent = biasedExponent - 1075
            // Integers below 2^53 need no scaling: their digits are the integer's.
            if exponent <= 0 && exponent > -53 {
                let integer = significand &>> UInt64(-exponent)
                if integer &<< UInt64(-exponent) == significand {
                    let count = digitCount(integer)
                    writeDigits(integer, count: count, to: out)
                    (out + count).storeBytes(of: UInt16(0x30_2E).littleEndian, as: UInt16.self)  // ".0"
                    return (out - destination) &+ count &+ 2
                }
            }
        }
        let (digits, decimalExponent) = shortestDecimal(significand: significand, exponent: exponent,
                                                        lowerIsCloser: fraction == 0 && biasedExponent > 1)
        let count = digitCount(digits)
        // The exponent of the first digit: value = d₁.d₂…dₙ × 10^scientific.
        let scientific = decimalExponent &+ count &- 1
        if scientific < -4 || bits & ~(1 << 63) > (0x1p53 as Double).bitPattern {
            return (out - destination) &+ writeExponential(digits, count: count, exponent: scientific, to: out)
        } else if scientific < 0 {
            // "0.000ddd": up to three zeros after the point.
            out.storeBytes(of: UInt64(0x30_30_30_30_30_30_2E_30).littleEndian, as: UInt64.self)  // "0.000000"
            let zeros = 0 &- scientific &- 1
            writeDigits(digits, count: count, to: out + 2 + zeros)
            return (out - destination) &+ 2 &+ zeros &+ count
        } else if scientific >= count - 1 {
            // An integer the fast path above leaves (2^53 itself: other integers up to 2^53 are
            // caught there, and no other double's shortest decimal is an integer in this range):
            // the digits padded with zeros to exactly 17, so the zeros before ".0" are written too.
            return (out - destination) &+ writeInteger(digits &* powersOfTenTo16[17 - count], exponent: scientific, to: out)
        } else {
            // "ddd.ddd": the digits after the first scientific + 1 move right by one for the point.
            // Zeros first where the digits may not reach, so the 16 bytes read below are all
            // written ones.
            (out + 8).storeBytes(of: 0 as UInt64, as: UInt64.self)
            (out + 16).storeBytes(of: 0 as UInt64, as: UInt64.self)
            (out + 24).storeBytes(of: 0 as UInt64, as: UInt64.self)
            writeDigits(digits, count: count, to: out)
            let point = scientific &+ 1
            let tail0 = (out + point).loadUnaligned(as: UInt64.self)
            let tail1 = (out + point + 8).loadUnaligned(as: UInt64.self)
            (out + point + 1).storeBytes(of: tail0, as: UInt64.self)
            (out + point + 9).storeBytes(of: tail1, as: UInt64.self)
            (out + point).storeBytes(of: 0x2E, as: UInt8.self)  // "."
            return (out - destination) &+ count &+ 1
        }
    }

    // MARK: Digits

    /// The shortest, closest decimal in the rounding interval of significand × 2^exponent, as
    /// digits × 10^decimalExponent with no trailing zeros in `digits`. Dragonbox, round to nearest,
    /// ties to even (Junekey Jeon, "Dragonbox: A New Floating-Point Binary-to-Decimal Conversion
    /// Algorithm", 2024): one 64 × 128-bit product gives the interval's upper end z scaled by
    /// 10^k, with k chosen so that the interval is 100 to 1000 units wide; a multiple of 1000
    /// in the interval gives the short form, else the nearest of the 10 × more candidates.
    @inline(__always)
    static func shortestDecimal(significand: UInt64, exponent e: Int,
                                lowerIsCloser: Bool) -> (digits: UInt64, decimalExponent: Int) {
        if lowerIsCloser {
            return shortestDecimalForPowerOfTwo(exponent: e)
        }
        // Interval ends count as inside when the significand is even (they read back to it).
        let includeEnds = significand & 1 == 0
        let twoFc = significand &<< 1
        // minusK = floor(log10(2^e)) - 2; beta aligns the product's binary point.
        let minusK = ((e &* 315_653) >> 20) &- 2
        let (high, low) = cachedPower(0 &- minusK)
        let beta = UInt64(truncatingIfNeeded: e &+ (((0 &- minusK) &* 1_741_647) >> 19))
        // The interval's width (delta) and upper end (z) scaled by 10^-minusK: in units of 10^minusK.
        let delta = high &>> (63 &- beta)
        let z = multiplyUpper128(twoFc | 1, shiftedBy: beta, high, low)
        var digits = z.integer / 1000
        var remainder = z.integer &- digits &* 1000

        // The multiple of 1000 just below z, if inside the interval, is the shortest candidate.
        var shortFits: Bool
        if remainder < delta {
            // It is z itself when the remainder is 0: only fits if z is an included end.
            shortFits = remainder != 0 || !z.isInteger || includeEnds
            if !shortFits {
                digits &-= 1
                remainder = 1000
            }
        } else if remainder > delta {
            shortFits = false
        } else {
            // Equal integer parts: compare the fractional parts of the lower end and the multiple.
            let x = multiplyParity(twoFc &- 1, high, low, beta: beta)
            shortFits = x.parity || (x.isInteger && includeEnds)
        }
        if shortFits {
            return removingTrailingZeros(digits, decimalExponent: minusK &+ 3)
        }

        // One digit more: the candidate closest to the value y = z - delta / 2.
        digits &*= 10
        var distance = remainder &- delta / 2 &+ 50
        let approximateParity = (distance ^ 50) & 1 != 0
        // distance / 100, and whether it divides exactly (distance <= 1000).
        let product = distance &* 656
        let divisible = product & 0xFFFF < 656
        distance = product >> 16
        digits &+= distance
        if divisible {
            // y's integer part is z's minus the distance, or one less: its parity tells which.
            let y = multiplyParity(twoFc, high, low, beta: beta)
            if y.parity != approximateParity {
                digits &-= 1
            } else if y.isInteger && digits & 1 != 0 {
                // A tie: to even.
                digits &-= 1
            }
        }
        return (digits, minusK &+ 2)
    }

    /// `shortestDecimal` for 2^e × 2^52 (zero fraction, exponent above the subnormals), whose
    /// lower neighbour is half as far as the upper: the interval is [value - 2^(e-2), value + 2^(e-1)].
    @inline(never)
    static func shortestDecimalForPowerOfTwo(exponent e: Int) -> (digits: UInt64, decimalExponent: Int) {
        // minusK = floor(log10(2^e) - log10(4/3)).
        let minusK = (e &* 631_305 &- 261_663) >> 21
        let (high, _) = cachedPower(0 &- minusK)
        let beta = UInt64(truncatingIfNeeded: e &+ (((0 &- minusK) &* 1_741_647) >> 19))
        // The interval's ends, scaled, rounded in (the ends are always included: 2^52 is even).
        var lower = (high &- (high >> 54)) >> (11 &- beta)
        let upper = (high &+ (high >> 53)) >> (11 &- beta)
        // Only for e in 2...3 is the scaled lower end an integer.
        if !(e >= 2 && e <= 3) { lower &+= 1 }
        let shorter = upper / 10
        if shorter &* 10 >= lower {
            return removingTrailingZeros(shorter, decimalExponent: minusK &+ 1)
        }
        // The value scaled, rounded up (half up), then corrected for ties and the lower end.
        var digits = ((high >> (10 &- beta)) &+ 1) / 2
        if e == -77 && digits & 1 != 0 {
            // The one exponent where a tie occurs: to even.
            digits &-= 1
        } else if digits < lower {
            digits &+= 1
        }
        return (digits, minusK)
    }

    /// The (high, low) words of 10^k scaled to 128 bits (`powersOfTen`), k in -292...326.
    @inline(__always)
    static func cachedPower(_ k: Int) -> (UInt64, UInt64) {
        let index = 2 &* (k &- smallestPowerOfTen)
        return powersOfTen.withUnsafeBufferPointer { ($0[index], $0[index &+ 1]) }
    }

    /// The integer part of (factor << shift) × (high:low) / 2^128, and whether it is an integer
    /// as far as the top 128 bits of the 192-bit product tell (the middle 64 bits are zero).
    @inline(__always)
    static func multiplyUpper128(_ factor: UInt64, shiftedBy shift: UInt64,
                                 _ high: UInt64, _ low: UInt64) -> (integer: UInt64, isInteger: Bool) {
        let u = factor &<< shift
        let lowProductHigh = low.multipliedFullWidth(by: u).high
        let highProduct = high.multipliedFullWidth(by: u)
        let (middle, carry) = highProduct.low.addingReportingOverflow(lowProductHigh)
        return (highProduct.high &+ (carry ? 1 : 0), middle == 0)
    }

    /// For twoF × 2^beta × (high:low) / 2^128: the parity of its integer part and whether it is
    /// an integer, from the low 128 bits of the 192-bit product twoF × (high:low) (beta in 1...63).
    @inline(__always)
    static func multiplyParity(_ twoF: UInt64, _ high: UInt64, _ low: UInt64,
                               beta: UInt64) -> (parity: Bool, isInteger: Bool) {
        let lowProduct = low.multipliedFullWidth(by: twoF)
        let productHigh = twoF &* high &+ lowProduct.high
        let productLow = lowProduct.low
        let parity = (productHigh &>> (64 &- beta)) & 1 != 0
        let isInteger = (productHigh &<< beta) | (productLow &>> (64 &- beta)) == 0
        return (parity, isInteger)
    }

    /// `digits` × 10^decimalExponent with the trailing zeros of `digits` (< 10^16, nonzero)
    /// moved into the exponent. Branch-free: tests divisibility by 10^8, 10^4, 10^2, 10 in turn,
    /// each by multiplying with the inverse of 5^n mod 2^64 and rotating right by n (Granlund and
    /// Montgomery): the result is digits / 10^n when divisible, and large otherwise.
    @inline(__always)
    static func removingTrailingZeros(_ digits: UInt64, decimalExponent: Int) -> (digits: UInt64, decimalExponent: Int) {
        var digits = digits
        var removed = 0
        var r = rotateRight(digits &* 28_999_941_890_838_049, by: 8)
        var divisible = r < 184_467_440_738
        removed = divisible ? 8 : 0
        digits = divisible ? r : digits
        r = rotateRight(digits &* 182_622_766_329_724_561, by: 4)
        divisible = r < 1_844_674_407_370_956
        removed &+= divisible ? 4 : 0
        digits = divisible ? r : digits
        r = rotateRight(digits &* 10_330_176_681_277_348_905, by: 2)
        divisible = r < 184_467_440_737_095_517
        removed &+= divisible ? 2 : 0
        digits = divisible ? r : digits
        r = rotateRight(digits &* 14_757_395_258_967_641_293, by: 1)
        divisible = r < 1_844_674_407_370_955_162
        removed &+= divisible ? 1 : 0
        digits = divisible ? r : digits
        return (digits, decimalExponent &+ removed)
    }

    /// `value` rotated right by `count` bits (1...63).
    @inline(__always)
    static func rotateRight(_ value: UInt64, by count: UInt64) -> UInt64 {
        value &>> count | value &<< (64 &- count)
    }

    /// Decimal digits in `value` (1...17 for the values used here).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        // floor(log10) from the bit length, then one comparison.
        let bitLength = 64 &- (value | 1).leadingZeroBitCount
        let guess = (bitLength &* 1233) >> 12
        return guess &+ (value >= powersOfTenTo16[guess] ? 1 : 0)
    }

    /// 10^0 ... 10^16, then 10^17 (never a product, only a bound for `digitCount`).
    static let powersOfTenTo16: [UInt64] = [
        1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000,
    ]

    // MARK: Text

    /// Writes the `count` digits of `digits` (count == digitCount(digits), 1...17): count bytes,
    /// 8 or 17 touched. Up to 8 digits are padded with zeros to 8 and written as one group, more to
    /// 17 and written as 1 + 8 + 8 (one path for 9 to 17: full-precision values have 16 or 17
    /// digits at random, and a branch between them would be mispredicted half the time).
    @inline(__always)
    static func writeDigits(_ digits: UInt64, count: Int, to out: UnsafeMutableRawPointer) {
        if count <= 8 {
            let padded = digits &* powersOfTenTo16[8 &- count]
            out.storeBytes(of: eightDigits(padded).littleEndian, as: UInt64.self)
        } else {
            write17Digits(digits &* powersOfTenTo16[17 &- count], to: out)
        }
    }

    /// Writes the 17 digits of `padded` (10^16 <= padded < 10^17): 17 bytes.
    @inline(__always)
    static func write17Digits(_ padded: UInt64, to out: UnsafeMutableRawPointer) {
        let first = padded / 10_000_000_000_000_000
        let rest = padded &- first &* 10_000_000_000_000_000
        let high = rest / 100_000_000
        let low = rest &- high &* 100_000_000
        out.storeBytes(of: UInt8(truncatingIfNeeded: first) &+ 0x30, as: UInt8.self)
        (out + 1).storeBytes(of: eightDigits(high).littleEndian, as: UInt64.self)
        (out + 9).storeBytes(of: eightDigits(low).littleEndian, as: UInt64.self)
    }

    /// `ddd000.0`: the first exponent + 1 digits of `padded` and ".0" (exponent <= 15).
    @inline(__always)
    static func writeInteger(_ padded: UInt64, exponent: Int, to out: UnsafeMutableRawPointer) -> Int {
        write17Digits(padded, to: out)
        (out + exponent + 1).storeBytes(of: UInt16(0x30_2E).littleEndian, as: UInt16.self)  // ".0"
        return exponent + 3
    }

    /// `d.ddde±XX`, or `de±XX` for one digit (`count` digits in `digits`).
    @inline(__always)
    static func writeExponential(_ digits: UInt64, count: Int, exponent: Int,
                                 to out: UnsafeMutableRawPointer) -> Int {
        // Digits at offset 1, then the first moves left over a ".".
        writeDigits(digits, count: count, to: out + 1)
        let first = (out + 1).load(as: UInt8.self)
        out.storeBytes(of: first, as: UInt8.self)
        (out + 1).storeBytes(of: 0x2E, as: UInt8.self)  // "."
        let end = count > 1 ? count &+ 1 : 1
        // "e", the sign, and two or three digits, stored at once (no branch on the digit count:
        // in full-precision data, exponents of two and three digits come at random).
        let magnitude = UInt64(truncatingIfNeeded: exponent < 0 ? 0 &- exponent : exponent)
        let hundreds = (magnitude &* 41) >> 12  // magnitude / 100, exact below 1000
        let twoDigits = magnitude &- hundreds &* 100
        let tens = (twoDigits &* 103) >> 10  // twoDigits / 10, exact below 100
        let ones = twoDigits &- tens &* 10
        let wide = magnitude >= 100
        let digitBytes = wide ? (0x30_30_30 | hundreds | tens << 8 | ones << 16) : (0x30_30 | tens | ones << 8)
        let sign: UInt64 = exponent < 0 ? 0x2D : 0x2B  // "-", "+"
        (out + end).storeBytes(of: (0x65 | sign << 8 | digitBytes << 16).littleEndian, as: UInt64.self)  // "e"
        return end &+ (wide ? 5 : 4)
    }

    /// The eight digits of `value` (< 10^8) as ASCII bytes, the first digit in the lowest byte.
    @inline(__always)
    static func eightDigits(_ value: UInt64) -> UInt64 {
        // Halves of four digits in 32-bit lanes, then pairs in 16-bit lanes, then single digits
        // in bytes; each split divides every lane at once by multiplying with a scaled reciprocal.
        // A lane x with quotient q by 10^n becomes q in its upper half and x - q·10^n in its lower
        // as x + q·(2^w - 10^n), one multiply and one add (no lane overflows: each stays below
        // 2^w). The first digit ends up in the highest byte; the byte swap puts it first.
        // value / 10_000, exact for value < 10^8 (the multiplier's error stays below 10^-4).
        let upper = (value &* 109_951_163) >> 40
        var lanes = value &+ upper &* (1 << 32 - 10_000)
        let hundreds = ((lanes &* 10_486) >> 20) & 0x0000_007F_0000_007F
        lanes &+= hundreds &* (1 << 16 - 100)
        let tens = ((lanes &* 103) >> 10) & 0x000F_000F_000F_000F
        lanes &+= tens &* (1 << 8 - 10)
        return (lanes | 0x3030_3030_3030_3030).byteSwapped
    }
}
