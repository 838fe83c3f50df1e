import Foundation
import Testing

/// The progress line never shares the terminal with data, and a resumed run's rate counts only
/// what it reads itself.
@Suite("Progress beside data on the terminal, and after a resume")
struct ProgressSharedTerminalTests {
    /// Runs `COMMAND` (a shell line, `nnpipe` standing for the binary) on a pseudo-terminal
    /// through util-linux's `script`; returns what the terminal received, line ends as `\n`.
    func onTerminal(_ dir: WorkDir, _ command: String) throws -> String {
        let line = command.replacingOccurrences(of: "nnpipe ", with: "'\(CLI.binary.path)' ")
        let screen = String(decoding: try Shell.run("timeout -s KILL 120 script -qfec \"\(line)\" /dev/null", in: dir.url), as: UTF8.self)
        return screen.replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test("`nnpipe run … -o - | head` on a terminal: the data alone, no progress line glued to it",
          .enabled(if: ProgressAndLogTests.hasScript))
    func dataPipedToHead() throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 300_000)
        try dir.writeSumPipeline(input: "big.csv", output: "-")
        let screen = try onTerminal(dir, "nnpipe run p.yaml --progress-interval 0.05 | head -n 3")
        #expect(screen.hasPrefix("id,y0,y1\n1,") && screen.split(separator: "\n").count == 3, "\(screen.debugDescription)")
        #expect(!screen.contains("nnpipe:") && !screen.contains("\u{1B}"), "\(screen.debugDescription)")
    }

    @Test("--progress with the data on a pipe: whole lines, never redrawn in place", .enabled(if: ProgressAndLogTests.hasScript))
    func progressAsLinesBesideData() throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 300_000)
        try dir.writeSumPipeline(input: "big.csv", output: "-")
        let screen = try onTerminal(dir, "nnpipe run p.yaml --progress --progress-interval 0.05 | tail -n 1")
        #expect(!screen.contains("\u{1B}") && !screen.contains("\r"), "\(screen.debugDescription)")
        let lines = screen.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("nnpipe: big.csv: ") && $0.contains(" rows") }, "\(screen.debugDescription)")
        #expect(lines.allSatisfy { $0.hasPrefix("nnpipe: ") || $0.hasPrefix("300000,") }, "\(screen.debugDescription)")
    }

    @Test("the data into a file: the progress line as before, cleared at the end", .enabled(if: ProgressAndLogTests.hasScript))
    func dataIntoAFile() throws {
        let dir = try WorkDir()
        try writeBigInput(dir, rows: 3_000)
        try dir.writeSumPipeline(input: "big.csv", output: "-")
        let screen = try onTerminal(dir, "nnpipe run p.yaml > out.csv")
        #expect(screen.hasPrefix(ProgressAndLogTests.clearLine + "nnpipe: "), "\(screen.debugDescription)")
        #expect(screen.contains(ProgressAndLogTests.clearLine + "nnpipe: done: 3000 rows read"), "\(screen.debugDescription)")
    }

    /// A run of `rows` rows killed once its journal counts 90% of its chunks, then resumed with
    /// `--progress` every 0.05 s. Each line `…, N rows, R rows/s, …` of the resumed run: its rate
    /// counts only its own rows, read for at least half a second before a rate is shown, so
    /// R ≤ 2 × (N − rows resumed); a rate over all N rows would be far above that.
    @Test("a resumed run's rate counts only the rows it reads", .bounded(minutes: 4))
    func resumedRate() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "big.csv", output: "out.csv", execution: "execution:\n  chunk_rows: 2000\n  journal_interval: 0")
        for rows in [1_000_000, 4_000_000] {
            try writeBigInput(dir, rows: rows)
            let chunks = rows / 2000
            let run = try dir.killWhen(".out.csv.nnpipe-journal", reaches: chunks * 9 / 10, ["run", "p.yaml"])
            #expect(run.killed && run.exact, "\(run.description)")
            let resumedRows = chunks * 9 / 10 * 2000
            let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--progress", "--progress-interval", "0.05"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let lines = resumed.stderr.split(separator: "\n").filter { $0.hasPrefix("nnpipe: big.csv: ") }
            #expect(!lines.isEmpty, "\(resumed.stderr)")
            for line in lines {
                let numbers = line.matches(of: /(\d+) rows(?:, (\d+) rows\/s)?/).first
                let read = try #require(numbers.flatMap { Int($0.output.1) }, "\(line)")
                #expect(read >= resumedRows, "the resumed rows are counted in the total: \(line)")
                if let rate = numbers?.output.2.flatMap({ Int($0) }) {
                    #expect(rate <= 2 * (read - resumedRows) + 1, "\(line)")
                }
            }
            if lines.contains(where: { $0.contains("rows/s") }) { return }
            print("the resumed run over \(rows) rows showed no rate within half a second; trying a bigger input")
            try? FileManager.default.removeItem(atPath: dir.path("out.csv"))
        }
        Issue.record("no resumed run read for half a second: no rate was checked")
    }
}
