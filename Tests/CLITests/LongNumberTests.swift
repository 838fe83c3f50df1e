import Foundation
import Testing

/// Numbers whose text is long or whose exponent is odd, read by the built binary from a CSV file
/// and written back: the value must be the one `strtod` gives, whatever the field's length (up to
/// `max_record_bytes`), never a value read with a cut exponent.
@Suite("Long numbers in a CSV field")
struct LongNumberTests {
    static func zeros(_ count: Int) -> String { String(repeating: "0", count: count) }

    /// Runs the sum model (y0 = x1 + 2·x2, y1 = x1) over one row per x1 text, x2 = 0, and returns
    /// y1 of each row.
    func readBack(_ texts: [String]) throws -> (status: Int32, values: [Double], stderr: String) {
        let dir = try WorkDir()
        var csv = "id,x1,x2\n"
        for (index, text) in texts.enumerated() { csv += "\(index),\(text),0\n" }
        try dir.write("in.csv", csv)
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        let result = try dir.nnpipe(within: 60, "run", "p.yaml", "--quiet")
        guard result.status == 0 else { return (result.status, [], result.stderr) }
        return (result.status, numericRows(try dir.text("out.csv")).map { $0.values[1] }, result.stderr)
    }

    @Test("a 1 MB field, 0. then 999,999 zeros then 1e1000005, is 100000")
    func megabyteField() throws {
        let (status, values, stderr) = try readBack(["0." + Self.zeros(999_999) + "1e1000005"])
        #expect(status == 0, "\(stderr)")
        #expect(values == [100_000])
    }

    @Test("long mantissas with offsetting exponents, exponents with leading zeros")
    func oddExponents() throws {
        let texts = [
            "1" + Self.zeros(400) + "e-400",
            "0." + Self.zeros(400) + "1e+401",
            "-0." + Self.zeros(5000) + "25e5001",
            "1e0000000000000000000001",
            "2.5E-" + Self.zeros(40) + "3",
            "1e-99999999999999999999999999",
        ]
        let (status, values, stderr) = try readBack(texts)
        #expect(status == 0, "\(stderr)")
        #expect(values == [1, 1, -2.5, 10, 0.0025, 0])
    }
}
