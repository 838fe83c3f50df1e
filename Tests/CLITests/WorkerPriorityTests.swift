import Foundation
import Glibc
import Testing

/// The workers run three steps of niceness below the reader, the run's one sequential stage, so
/// that a fair scheduler gives the reader a whole processor when it has work (README, How it works).
@Suite("Worker threads are named, and a little nicer than the reader")
struct WorkerPriorityTests {
    /// The nice value of each thread of process `pid` (field 19 of /proc/PID/task/TID/stat), by thread id.
    static func niceness(of pid: Int32) -> [Int32: Int] {
        let tasks = "/proc/\(pid)/task"
        var result: [Int32: Int] = [:]
        for tid in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
            guard let stat = try? String(contentsOfFile: "\(tasks)/\(tid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), let id = Int32(tid) else { continue }
            // After the name in parentheses: state (field 3) ... nice (field 19).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 16, let nice = Int(fields[16]) { result[id] = nice }
        }
        return result
    }

    /// The niceness the tests run at.
    static var ownNiceness: Int { Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)) }

    /// The name (comm) of each thread of process `pid`, by thread id.
    static func names(of pid: Int32) -> [Int32: String] {
        let tasks = "/proc/\(pid)/task"
        var result: [Int32: String] = [:]
        for tid in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
            guard let id = Int32(tid), let name = try? String(contentsOfFile: "\(tasks)/\(tid)/comm", encoding: .utf8) else { continue }
            result[id] = name.trimmingCharacters(in: .newlines)
        }
        return result
    }

    @Test("workers run as nnpipe-worker-N at the main thread's niceness plus three, the writer as nnpipe-writer; the main thread unchanged",
          .bounded(minutes: 5),
          .enabled(if: ownNiceness + 3 <= 19, "the tests run too nice for three more steps"))
    func workersAreNamedAndNicer() throws {
        let own = Self.ownNiceness
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "-", output: "out.csv", execution: "execution:\n  chunk_rows: 64")
        let input = Pipe()
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "p.yaml", "--workers", "2"]
        process.currentDirectoryURL = dir.url
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // Workers exist only while they process a chunk: rows keep coming (in small chunks, at
        // most 2M rows, so that a slow build never blocks the writes here for long) until both
        // kinds of thread were seen, or 120 s.
        let block = Data(("id,x1,x2\n" + String(repeating: "a,1,2\n", count: 2_000)).utf8)
        let rest = Data(String(repeating: "a,1,2\n", count: 2_000).utf8)
        input.fileHandleForWriting.write(block)
        let pid = process.processIdentifier
        var workerNice: [String: Int] = [:]
        var sawWriter = false
        var mainNice: Int?
        var blocks = 1
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && !(workerNice.count >= 1 && sawWriter) {
            let names = Self.names(of: pid)
            let nice = Self.niceness(of: pid)
            mainNice = nice[pid] ?? mainNice
            for (tid, name) in names {
                if name.hasPrefix("nnpipe-worker-"), let value = nice[tid], Self.names(of: pid)[tid] == name {
                    workerNice[name] = value
                }
                if name == "nnpipe-writer" { sawWriter = true }
            }
            if blocks < 1_000 {
                input.fileHandleForWriting.write(rest)
                blocks += 1
            } else {
                usleep(1_000)
            }
        }
        #expect(!workerNice.isEmpty, "no thread named nnpipe-worker-N seen")
        #expect(workerNice.values.allSatisfy { $0 == own + 3 }, "workers' nice values: \(workerNice)")
        #expect(sawWriter, "no thread named nnpipe-writer seen")
        #expect(mainNice == own, "the main thread (the reader) keeps the niceness nnpipe was started with")
        try input.fileHandleForWriting.close()
        let ended = poll(seconds: 120) { !process.isRunning }
        #expect(ended, "nnpipe did not end within 120 s of its input's end")
        guard ended else { return }
        #expect(process.terminationStatus == 0)
        #expect(try dir.text("out.csv").hasPrefix("id,y0,y1\na,5.0,1.0\n"))
    }
}
