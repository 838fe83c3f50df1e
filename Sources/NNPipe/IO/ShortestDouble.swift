/// The shortest text that reads back to the same double, spelled exactly as `Double.description`
/// spells it, written straight into memory.
///
/// Digits: Schubfach (Raffaello Giulietti, "The Schubfach way to render doubles", 2020). The
/// value's rounding interval is scaled by a 128-bit power of ten (`powersOfTen`, from
/// scripts/make_pow10_table.py) with round-to-odd, which keeps every comparison exact. Of the
/// decimals inside the interval it picks the one with the fewest digits, and among those the
/// closest to the value, ties to an even last digit — the same choice as Swift's own formatter.
/// Interval ends count as inside when the binary significand is even (they read back to it).
///
/// Spelling (`Double.description`'s rules), for digits d₁d₂…dₙ × 10^E:
/// - exponent form `d₁.d₂…dₙe±XX` (`1e-05`, `1.5e+300`, at least two exponent digits) when
///   E < -4 or |value| > 2^53;
/// - otherwise `0.000ddd`, `ddd.ddd`, or an integer with `.0` (`100.0`, `9007199254740992.0`);
/// - `0.0`, `-0.0`, `inf`, `-inf`; a leading `-` when negative. NaN is left to the caller.
enum ShortestDouble {
    /// Bytes `write` may touch at its destination: the longest text is 24 bytes
    /// (`-2.2250738585072014e-308`) and the digits are stored eight bytes at a time past it.
    static let capacity = 40

    /// Writes `value`'s text at `destination`, which has `capacity` writable bytes, and returns its
    /// length; nil (nothing meaningful written) when `value` is NaN.
    @inline(__always)
    static func write(_ value: Double, to destination: UnsafeMutableRawPointer) -> Int? {
        let bits = value.bitPattern
        let fraction = bits & (1 << 52 - 1)
        let biasedExponent = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF)
        var out = destination
        if bits >> 63 != 0 {
            out.storeBytes(of: 0x2D, as: UInt8.self)  // "-"
            out += 1
        }
        let significand: UInt64
        let exponent: Int
        if biasedExponent == 0x7FF {
            guard fraction == 0 else { return nil }
            out.storeBytes(of: UInt32(0x66_6E_69).littleEndian, as: UInt32.self)  // "inf"
            return out - destination + 3
        } else if biasedExponent == 0 {
            if fraction == 0 {
                out.storeBytes(of: UInt32(0x30_2E_30).littleEndian, as: UInt32.self)  // "0.0"
                return out - destination + 3
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
                    return out - destination + writeInteger(integer &* powersOfTenTo16[17 - count],
                                                            exponent: count - 1, to: out)
                }
            }
        }
        var (digits, decimalExponent) = shortestDecimal(significand: significand, exponent: exponent,
                                                        lowerIsCloser: fraction == 0 && biasedExponent > 1)
        // Trailing zeros go: `digits` then has as few digits as the text shows.
        while digits % 10 == 0 {
            digits /= 10
            decimalExponent += 1
        }
        let count = digitCount(digits)
        // The exponent of the first digit: value = d₁.d₂…dₙ × 10^scientific.
        let scientific = decimalExponent + count - 1
        // The digits padded with zeros to exactly 17.
        let padded = digits &* powersOfTenTo16[17 - count]
        if scientific < -4 || bits & ~(1 << 63) > (0x1p53 as Double).bitPattern {
            return out - destination + writeExponential(padded, count: count, exponent: scientific, to: out)
        } else if scientific < 0 {
            // "0.000ddd": up to three zeros after the point.
            out.storeBytes(of: UInt64(0x30_30_30_30_30_30_2E_30).littleEndian, as: UInt64.self)  // "0.000000"
            let zeros = -scientific - 1
            write17Digits(padded, to: out + 2 + zeros)
            return out - destination + 2 + zeros + count
        } else if scientific >= count - 1 {
            return out - destination + writeInteger(padded, exponent: scientific, to: out)
        } else {
            // "ddd.ddd": the digits after the first scientific + 1 move right by one for the point.
            write17Digits(padded, to: out)
            // Zeros after the digits, so the 16 bytes read below are all written ones.
            (out + 17).storeBytes(of: 0 as UInt64, as: UInt64.self)
            (out + 25).storeBytes(of: 0 as UInt64, as: UInt64.self)
            let point = scientific + 1
            let tail0 = (out + point).loadUnaligned(as: UInt64.self)
            let tail1 = (out + point + 8).loadUnaligned(as: UInt64.self)
            (out + point + 1).storeBytes(of: tail0, as: UInt64.self)
            (out + point + 9).storeBytes(of: tail1, as: UInt64.self)
            (out + point).storeBytes(of: 0x2E, as: UInt8.self)  // "."
            return out - destination + count + 1
        }
    }

    // MARK: Digits

    /// The shortest, closest decimal in the rounding interval of significand × 2^exponent, as
    /// digits × 10^decimalExponent (digits may end in zeros).
    @inline(__always)
    static func shortestDecimal(significand c: UInt64, exponent q: Int,
                                lowerIsCloser: Bool) -> (digits: UInt64, decimalExponent: Int) {
        let isEven = c & 1 == 0
        // The interval's ends and the value, in quarter units of 2^q.
        let lowerEnd = 4 &* c &- (lowerIsCloser ? 1 : 2)
        let center = 4 &* c
        let upperEnd = 4 &* c &+ 2
        // k = floor(log10(width of the interval)); h aligns the product's binary point.
        let k = lowerIsCloser ? (q &* 1_262_611 &- 524_031) >> 22 : (q &* 1_262_611) >> 22
        let h = q &+ ((0 &- k) &* 1_741_647) >> 19 &+ 1
        let index = 2 &* (0 &- k &- smallestPowerOfTen)
        let (high, low) = powersOfTen.withUnsafeBufferPointer { ($0[index], $0[index &+ 1]) }
        let shift = UInt64(truncatingIfNeeded: h)
        let scaledLower = multiplyRoundingToOdd(high, low, lowerEnd &<< shift)
        let scaled = multiplyRoundingToOdd(high, low, center &<< shift)
        let scaledUpper = multiplyRoundingToOdd(high, low, upperEnd &<< shift)
        // Inclusive bounds in the same quarter units of 10^k.
        let lower = isEven ? scaledLower : scaledLower &+ 1
        let upper = isEven ? scaledUpper : scaledUpper &- 1

        let s = scaled >> 2
        if s >= 10 {
            // One digit fewer: at most one multiple of 10^(k+1) fits in the interval.
            let shorter = s / 10
            let below = shorter &* 40
            let belowInside = lower <= below
            let aboveInside = below &+ 40 <= upper
            if belowInside != aboveInside {
                return (aboveInside ? shorter &+ 1 : shorter, k &+ 1)
            }
        }
        let belowInside = lower <= s &* 4
        let aboveInside = s &* 4 &+ 4 <= upper
        if belowInside != aboveInside {
            return (aboveInside ? s &+ 1 : s, k)
        }
        // Both fit: the closer one, ties to even.
        let middle = s &* 4 &+ 2
        let roundUp = scaled > middle || (scaled == middle && s & 1 != 0)
        return (roundUp ? s &+ 1 : s, k)
    }

    /// The top 64 bits of the 192-bit product (high:low) × factor, with the lowest bit set when
    /// anything below them is (round to odd).
    @inline(__always)
    static func multiplyRoundingToOdd(_ high: UInt64, _ low: UInt64, _ factor: UInt64) -> UInt64 {
        let lowProductHigh = low.multipliedFullWidth(by: factor).high
        let highProduct = high.multipliedFullWidth(by: factor)
        let (middle, carry) = highProduct.low.addingReportingOverflow(lowProductHigh)
        let top = highProduct.high &+ (carry ? 1 : 0)
        return top | (middle > 1 ? 1 : 0)
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

    /// Writes the 17 digits of `padded` (10^16 <= padded < 10^17): 17 bytes, 24 touched.
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

    /// `d.ddde±XX`, or `de±XX` for one digit.
    @inline(__always)
    static func writeExponential(_ padded: UInt64, count: Int, exponent: Int,
                                 to out: UnsafeMutableRawPointer) -> Int {
        // Digits at offset 1, then the first moves left over a ".".
        write17Digits(padded, to: out + 1)
        let first = (out + 1).load(as: UInt8.self)
        out.storeBytes(of: first, as: UInt8.self)
        (out + 1).storeBytes(of: 0x2E, as: UInt8.self)  // "."
        var end = count > 1 ? count + 1 : 1
        let magnitude = exponent < 0 ? 0 &- exponent : exponent
        (out + end).storeBytes(of: UInt16(exponent < 0 ? 0x2D_65 : 0x2B_65).littleEndian, as: UInt16.self)  // "e-", "e+"
        end += 2
        if magnitude >= 100 {
            (out + end).storeBytes(of: UInt8(truncatingIfNeeded: magnitude / 100) &+ 0x30, as: UInt8.self)
            end += 1
        }
        let twoDigits = magnitude % 100
        let tens = UInt16(truncatingIfNeeded: twoDigits / 10)
        let ones = UInt16(truncatingIfNeeded: twoDigits % 10)
        (out + end).storeBytes(of: (0x30_30 &+ tens &+ ones << 8).littleEndian, as: UInt16.self)
        return end + 2
    }

    /// The eight digits of `value` (< 10^8) as ASCII bytes, the first digit in the lowest byte.
    @inline(__always)
    static func eightDigits(_ value: UInt64) -> UInt64 {
        // Halves of four digits in 32-bit lanes, then pairs in 16-bit lanes, then single digits
        // in bytes; each split divides every lane at once by multiplying with a scaled reciprocal.
        let upper = value / 10_000
        var lanes = upper | (value &- upper &* 10_000) << 32
        let hundreds = ((lanes &* 10_486) >> 20) & 0x0000_007F_0000_007F
        lanes = hundreds | (lanes &- hundreds &* 100) << 16
        let tens = ((lanes &* 103) >> 10) & 0x000F_000F_000F_000F
        lanes = tens | (lanes &- tens &* 10) << 8
        return lanes &+ 0x3030_3030_3030_3030
    }
}
