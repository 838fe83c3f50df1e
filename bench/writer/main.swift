// Times ShortestDouble alone against `Double.description`, on 1M values of each of four kinds
// (made here from a fixed seed, so every run and every version sees the same values). Built and
// run by bench/writer_speed.sh; `writeAll` and `describeAll` are the functions callgrind counts.
import Foundation

/// SplitMix64: the same seeded stream on every machine.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` values of `kind`: full17 (random bits, any normal exponent, 16-17 digits), digits7
/// (0.1234567: seven significant digits), ints (-1000...1000), sigmoid (1/(1+e^-x), x in -10...10).
func values(_ kind: String, count: Int) -> [Double] {
    var rng = SplitMix(state: 20_261_204)
    return (0..<count).map { _ in
        switch kind {
        case "full17":
            let bits = rng.next()
            let exponent = UInt64.random(in: 1...2046, using: &rng)
            return Double(bitPattern: (bits & 0x800F_FFFF_FFFF_FFFF) | exponent << 52)
        case "digits7":
            // An exact integer over an exact power of ten: the division rounds once, to the
            // double nearest the decimal.
            return Double(Int.random(in: 1_000_000...9_999_999, using: &rng)) / 1e7
        case "ints":
            return Double(Int.random(in: -1000...1000, using: &rng))
        default:
            return 1 / (1 + exp(-Double.random(in: -10...10, using: &rng)))
        }
    }
}

/// Writes every value with ShortestDouble into one reused buffer; returns the bytes written.
@inline(never)
func writeAll(_ values: [Double], into buffer: UnsafeMutableRawPointer) -> Int {
    var total = 0
    for value in values {
        total &+= ShortestDouble.write(value, to: buffer) ?? 0
    }
    return total
}

/// Appends every value's `description` to a reused byte array; returns the bytes written.
@inline(never)
func describeAll(_ values: [Double], into bytes: inout [UInt8]) -> Int {
    var total = 0
    for value in values {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: value.description.utf8)
        total &+= bytes.count
    }
    return total
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, ["shortest", "description"].contains(arguments[2]) else {
    fputs("usage: writer-bench KIND shortest|description [PASSES]\n", stderr)
    exit(2)
}
let kind = arguments[1]
let passes = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 9) : 9
let input = values(kind, count: 1_000_000)
let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
var bytes: [UInt8] = []
bytes.reserveCapacity(64)
var times: [Double] = []
var total = 0
for _ in 0..<passes {
    var t0 = timespec(), t1 = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t0)
    total = arguments[2] == "shortest" ? writeAll(input, into: buffer) : describeAll(input, into: &bytes)
    clock_gettime(CLOCK_MONOTONIC, &t1)
    times.append(Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) * 1e-9)
}
times.sort()
let median = times[times.count / 2]
print("\(kind) \(arguments[2]): \(input.count) values, \(String(format: "%.1f", Double(total) / Double(input.count))) bytes/value; "
    + "median of \(passes): \(String(format: "%.1f", median / Double(input.count) * 1e9)) ns/value")
