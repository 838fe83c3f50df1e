import Foundation
import Testing

@Suite("Memory stays bounded")
struct MemoryTests {
    /// A 40 MB input through small chunks: if nnpipe held the input (or the output) whole, its peak
    /// resident memory would pass the bound. The real bound is measured by bench/run.py.
    /// Set by scripts/test.sh for its sanitizer run: shadow memory makes RSS meaningless there.
    static let sanitized = ProcessInfo.processInfo.environment["NNPIPE_SANITIZED"] != nil

    @Test("peak RSS of a run over a 40 MB input stays under 48 MiB",
          .disabled(if: sanitized, "a sanitizer's shadow memory multiplies RSS"))
    func boundedMemory() throws {
        let dir = try WorkDir()
        var text: [UInt8] = Array("id,x0,x1,x2,x3,x4,x5,x6,x7\n".utf8)
        text.reserveCapacity(42_000_000)
        var state: UInt64 = 0x9E3779B97F4A7C15
        for row in 0..<470_000 {
            text.append(contentsOf: String(row).utf8)
            for _ in 0..<8 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(0x2C)
                text.append(contentsOf: "\(Double(state >> 11) / 9007199254740992.0 - 0.5)".prefix(9).utf8)
            }
            text.append(0x0A)
        }
        try dir.write("in.csv", Data(text))
        #expect(text.count > 40_000_000)
        try dir.write("m.json", Data(contentsOf: CLI.fixture("golden/relu-softmax/model.json")))
        try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: "m.json", features: (0..<8).map { "x\($0)" },
                                              output: "out.csv", execution: "execution:\n  chunk_rows: 1000\n  workers: 2"))
        let result = try dir.nnpipe("run", "p.yaml", "--stats-json", "stats.json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("470000 rows read, 470000 written"))
        let stats = try JSONSerialization.jsonObject(with: try dir.read("stats.json")) as? [String: Any]
        let peak = try #require(stats?["peak_rss_bytes"] as? Int)
        let peakMiB = Double(peak) / 1_048_576
        print("nnpipe's peak RSS over a \(text.count / 1_000_000) MB input: \(peakMiB) MiB")
        #expect(peakMiB > 1 && peakMiB < 48, "peak RSS \(peakMiB) MiB")
    }
}
