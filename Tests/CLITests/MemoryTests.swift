import Foundation
import Testing

@Suite("Memory stays bounded")
struct MemoryTests {
    /// A 40 MB input through small chunks: if nnpipe held the input (or the output) whole, its peak
    /// resident memory would pass the bound. The real bound is measured by bench/run.py.
    /// Set by scripts/test.sh for its sanitizer run: shadow memory makes RSS meaningless there.
    static let sanitized = runsSanitized

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

    /// With 1 MiB chunks, the 34 chunks in flight of 16 workers and their buffers took twice the
    /// memory of 2 workers' 6 (W2: 109 MiB against 50). Chunks of 256 KiB leave it about where it
    /// was. (These rows, 650 bytes, make chunks of one 256-row block at 2 and at 16 workers alike:
    /// the share of 8 MiB that plain output's chunks take from 16 workers is checked by
    /// `validate`'s figures in MachineReadableReportTests, and its memory in bench/RESULTS.md.)
    @Test("16 workers take about the memory of 2 on wide rows",
          .disabled(if: sanitized, "a sanitizer's shadow memory multiplies RSS"))
    func manyWorkers() throws {
        let dir = try WorkDir()
        // 62,000 rows of 33 fields, the numbers of 17 digits that float64 text has (about 41 MB).
        let text = Self.rowsOf17Digits(rows: 62_000, columns: 32, seed: 0x2545F4914F6CDD1D)
        try dir.write("in.csv", Data(text))
        #expect(text.count > 40_000_000)
        try dir.write("m.json", Data(contentsOf: CLI.fixture("golden/relu-softmax/model.json")))
        try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: "m.json", features: (0..<8).map { "x\($0)" },
                                              output: "out.csv"))
        var peaks: [Int: Double] = [:]
        for workers in [2, 16] {
            let result = try dir.nnpipe(within: 300, "run", "p.yaml", "--workers", "\(workers)", "--stats-json", "stats.json")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("62000 rows read, 62000 written"))
            let stats = try JSONSerialization.jsonObject(with: try dir.read("stats.json")) as? [String: Any]
            peaks[workers] = Double(try #require(stats?["peak_rss_bytes"] as? Int)) / 1_048_576
        }
        let two = try #require(peaks[2]), sixteen = try #require(peaks[16])
        print("nnpipe's peak RSS over \(text.count / 1_000_000) MB of wide rows: \(two) MiB with 2 workers, \(sixteen) MiB with 16")
        #expect(two > 1 && sixteen < two + 16, "peak RSS \(two) MiB with 2 workers, \(sixteen) MiB with 16")
    }

    /// The chunks in flight are bounded by their bytes beyond 2 × workers + 2: by default 32 may be
    /// in flight (8 MiB of 256 KiB chunks), and rows so wide that a chunk is one 256-row block of
    /// about 2 MB would otherwise let the reader, well ahead of workers busy with a 380 × 256
    /// layer, hold 64 MB of them. With the byte bound the run takes about the memory of
    /// `max_chunks_in_flight: 6`, the count such chunks fit in 8 MiB.
    @Test("rows of chunks of 2 MB: the chunks in flight bounded by their bytes",
          .disabled(if: sanitized, "a sanitizer's shadow memory multiplies RSS"))
    func wideChunksInFlight() throws {
        let dir = try WorkDir()
        // 7,680 rows (30 chunks of 256) of 380 numbers of 17 digits (about 58 MB).
        let columns = 380
        let text = Self.rowsOf17Digits(rows: 7_680, columns: columns, seed: 0x9E3779B97F4A7C15)
        try dir.write("in.csv", Data(text))
        #expect(text.count > 50_000_000)
        // 380 → 256 (relu) → 1: a product of 25 million multiply-adds a chunk, slower than reading one.
        let hidden = (0..<columns).map { i in "[" + (0..<256).map { j in "\(Double((i * 7 + j * 3) % 17 - 8) / 100)" }.joined(separator: ",") + "]" }
        let model = "{\"layers\": [{\"weights\": [\(hidden.joined(separator: ","))], \"bias\": [\((0..<256).map { _ in "0" }.joined(separator: ","))], "
            + "\"activation\": \"relu\"}, {\"weights\": [\((0..<256).map { _ in "[0.5]" }.joined(separator: ","))], \"bias\": [0], \"activation\": \"identity\"}]}"
        try dir.write("m.json", model)
        var peaks: [String: Double] = [:]
        for (name, execution) in [("default", "execution: {workers: 2}"), ("six", "execution: {workers: 2, max_chunks_in_flight: 6}")] {
            try dir.write("p.yaml", pipelineYAML(input: "in.csv", model: "m.json", features: (0..<columns).map { "x\($0)" },
                                                  output: "out.csv", execution: execution))
            let result = try dir.nnpipe(within: 300, "run", "p.yaml", "--stats-json", "stats.json")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("7680 rows read, 7680 written"), "\(result.stderr)")
            let stats = try JSONSerialization.jsonObject(with: try dir.read("stats.json")) as? [String: Any]
            peaks[name] = Double(try #require(stats?["peak_rss_bytes"] as? Int)) / 1_048_576
        }
        let byDefault = try #require(peaks["default"]), six = try #require(peaks["six"])
        print("nnpipe's peak RSS over \(text.count / 1_000_000) MB of rows of 7.6 KB: \(byDefault) MiB by default, \(six) MiB with 6 chunks in flight")
        #expect(six > 1 && byDefault < six + 12, "peak RSS \(byDefault) MiB by default, \(six) MiB with 6 chunks in flight")
    }

    /// A CSV text: `id,x0,…` then `rows` rows of an id and `columns` numbers of up to 17 digits (as
    /// float64 text is written), drawn from 4,096 made from `seed`, so that making them is quick.
    static func rowsOf17Digits(rows: Int, columns: Int, seed: UInt64) -> [UInt8] {
        var text: [UInt8] = Array(("id," + (0..<columns).map { "x\($0)" }.joined(separator: ",") + "\n").utf8)
        var state = seed
        let numbers: [[UInt8]] = (0..<4096).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Array("\(Double(state >> 11) / 9007199254740992.0 - 0.5)".utf8)
        }
        text.reserveCapacity(rows * columns * 21)
        for row in 0..<rows {
            text.append(contentsOf: String(row).utf8)
            for _ in 0..<columns {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(0x2C)
                text.append(contentsOf: numbers[Int(state >> 52)])
            }
            text.append(0x0A)
        }
        return text
    }
}
