import Foundation
import Glibc
import Testing

/// The folder every resume test starts from, and the ways its runs are stopped.
extension ResumeTests {
    /// Rows of `big.csv`, and rows a chunk of its pipeline holds.
    static let rows = 60_000
    static let chunkRows = 500

    /// A folder with `big.csv` (and `big.csv.gz`): `rows` rows `id,x1,x2`, row 20000 bad (`abc`).
    static func makeFolder() throws -> WorkDir {
        let dir = try WorkDir()
        try Shell.run(#"awk -v n=\#(rows) 'BEGIN { print "id,x1,x2"; for (i = 1; i <= n; i++) if (i == 20000) print i ",abc,1"; else print i "," (i % 97) / 8 "," (i % 89) / 4 }' > big.csv && gzip -k big.csv"#,
                      in: dir.url)
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read:
                  path: big.csv
                  features: [x1, x2]
                  carry: [id]
              - forward:
                  model: m.json
              - write:
                  path: out.csv
            execution:
              chunk_rows: \(chunkRows)
              journal_interval: 0
            errors:
              policy: reject
              rejects: rej.csv
            """)
        return dir
    }

    /// Runs `nnpipe ARGS` (its pipeline journaling after every chunk), SIGKILLs it once the
    /// journal of `out.csv` (or `journal`) counts `chunks` chunks and cuts the journal back to
    /// that chunk's entry (``KilledRun``), and checks that it was. A run that ended before the
    /// kill (a machine so busy that the watching thread slept past the run's last chunks) leaves
    /// the folder as a finished run does, so it is run again, three times at most.
    static func runKilled(after chunks: Int, _ dir: WorkDir, _ arguments: [String],
                          journal: String = ".out.csv.nnpipe-journal") throws {
        var run = try dir.killWhen(journal, reaches: chunks, arguments)
        for _ in 1..<3 where !run.killed {
            print("the run to be killed after chunk \(chunks) ended first; running it again")
            run = try dir.killWhen(journal, reaches: chunks, arguments)
        }
        #expect(run.killed && run.exact, "not stopped at chunk \(chunks) (\(run.description)): \(run.stderr)")
    }

    /// The journal of `output` (in the current folder).
    static func journal(of output: String) -> String { ".\(output).nnpipe-journal" }

    /// The files a run leaves besides its outputs: temporary outputs and journals.
    static func leftovers(_ dir: WorkDir) throws -> [String] {
        try dir.listing().filter { $0.contains(".nnpipe-") }
    }

    /// Runs `nnpipe ARGS` and sends it `signal` (this child, by its id) after `delay` seconds, unless
    /// it has ended by then; returns how it ended (`.exit` when nnpipe handled the signal).
    @discardableResult
    static func killAfter(_ delay: Double, _ dir: WorkDir, _ arguments: [String],
                          signal: Int32 = SIGKILL) throws -> Process.TerminationReason {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = dir.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        _ = poll(seconds: delay) { !process.isRunning }
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationReason
    }
}
