// Times FloatParser alone: every field of a CSV file (no header), parsed as nnpipe's workers
// parse them (in place, with the rest of the buffer readable). Built and run by
// bench/parse_speed.sh; `parseAll` is the function callgrind counts.
import Foundation

/// Parses every field `repeats` times; returns the sum of the values (so nothing is optimized away).
@inline(never)
func parseAll(_ base: UnsafePointer<UInt8>, length: Int, fields: [(Int, Int)], repeats: Int) -> Double {
    var sum = 0.0
    for _ in 0..<repeats {
        for (start, count) in fields {
            guard let value = FloatParser.parse(base + start, count: count, readable: length - start) else {
                fatalError("not a number at byte \(start)")
            }
            sum += value
        }
    }
    return sum
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    fputs("usage: parse-bench FILE [REPEATS]\n", stderr)
    exit(2)
}
guard let file = fopen(arguments[1], "rb") else { fputs("cannot open \(arguments[1])\n", stderr); exit(2) }
var bytes: [UInt8] = []
var block = [UInt8](repeating: 0, count: 1 << 20)
while true {
    let n = fread(&block, 1, block.count, file)
    if n <= 0 { break }
    bytes.append(contentsOf: block[0..<n])
}
fclose(file)
let repeats = arguments.count > 2 ? Int(arguments[2])! : 5
var fields: [(Int, Int)] = []
var fieldStart = 0
for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") {
    if i > fieldStart { fields.append((fieldStart, i - fieldStart)) }
    fieldStart = i + 1
}
let bytesPerValue = Double(bytes.count) / Double(fields.count)
var best = Double.infinity
var times: [Double] = []
var checksum = 0.0
bytes.withUnsafeBufferPointer { buffer in
    for _ in 0..<max(1, repeats) {
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        checksum = parseAll(buffer.baseAddress!, length: buffer.count, fields: fields, repeats: 1)
        clock_gettime(CLOCK_MONOTONIC, &t1)
        let seconds = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) * 1e-9
        times.append(seconds)
        best = min(best, seconds)
    }
}
times.sort()
let median = times[times.count / 2]
let perValue = median / Double(fields.count)
print("\(arguments[1]): \(fields.count) values, \(String(format: "%.1f", bytesPerValue)) bytes/value; "
      + "median of \(times.count): \(String(format: "%.2f", perValue * 1e9)) ns/value, "
      + "\(String(format: "%.1f", 1 / perValue / 1e6)) M values/s, "
      + "\(String(format: "%.0f", bytesPerValue / perValue / 1e6)) MB/s (best \(String(format: "%.2f", best / Double(fields.count) * 1e9)) ns); sum \(checksum)")
