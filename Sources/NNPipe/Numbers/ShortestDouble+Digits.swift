// ShortestDouble's digits: Dragonbox, with its 128-bit powers of ten in ShortestDoubleTable.swift.

extension ShortestDouble {
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
}
