import Foundation
import Glibc
import Testing

/// The workers run three steps of niceness below the reader, the run's one sequential stage, so
/// that a fair scheduler gives the reader a whole processor when it has work (README, How it works).
@Suite("Worker threads are a little nicer than the reader")
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

    @Test("two workers at the main thread's niceness plus three, the main thread unchanged",
          .timeLimit(.minutes(1)))
    func workersAreNicer() throws {
        let own = Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        guard own + 3 <= 19 else {
            print("WorkerPriorityTests: skipped, the tests run at niceness \(own): no room for three steps")
            return
        }
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "-", output: "out.csv")
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
        // The header and a row start the run; the workers then wait for a whole chunk while stdin
        // stays open. (A thread a worker starts inherits its niceness: with workers left at the
        // main thread's, no thread at all would be three steps nicer.)
        input.fileHandleForWriting.write(Data("id,x1,x2\na,1,2\n".utf8))
        let pid = process.processIdentifier
        var threads: [Int32: Int] = [:]
        var base = 0
        let started = poll(seconds: 20) {
            threads = Self.niceness(of: pid)
            base = threads[pid] ?? 0
            return threads.values.filter { $0 == base + 3 }.count >= 2
        }
        #expect(started, "threads and their nice values: \(threads)")
        #expect(threads[pid] == own, "the main thread (the reader) keeps the niceness nnpipe was started with")
        try input.fileHandleForWriting.close()
        let ended = poll(seconds: 30) { !process.isRunning }
        #expect(ended, "nnpipe did not end within 30 s of its input's end")
        guard ended else { return }
        #expect(process.terminationStatus == 0)
        #expect(try dir.text("out.csv") == "id,y0,y1\na,5.0,1.0\n")
    }
}
