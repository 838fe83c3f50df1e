import Foundation
import Testing
@testable import NNPipe

@Suite("Resume journal lines: checksums, torn lines, escaped names")
struct ResumeJournalTests {
    @Test func aTornOrDamagedLineEndsTheJournal() {
        let whole = JournalText.line("one") + JournalText.line("two") + JournalText.line("three")
        #expect(JournalText.lines(Array(whole.utf8)) == ["one", "two", "three"])
        // Cut anywhere inside the last line: the lines before it stay.
        let bytes = Array(whole.utf8)
        let lastStart = (JournalText.line("one") + JournalText.line("two")).utf8.count
        for cut in lastStart..<(bytes.count - 1) {
            #expect(JournalText.lines(Array(bytes[..<cut])) == ["one", "two"], "cut at \(cut)")
        }
        // A changed byte fails its checksum, and nothing after it is read.
        var damaged = bytes
        damaged[1] = UInt8(ascii: "x")
        #expect(JournalText.lines(damaged) == [])
    }

    @Test func namesWithSpacesAndControlsRoundTrip() {
        for name in ["plain.csv", "with space.csv", "100%.csv", "tab\there", "new\nline", "é ü.csv", ""] {
            let word = JournalText.escape(name)
            #expect(!word.contains(" ") && !word.contains("\n"))
            #expect(JournalText.unescape(word[...]) == name)
        }
    }

    @Test func anEntryReadsBackAsWritten() throws {
        var point = ResumePoint(next: InputPosition(file: 2, offset: 123_456_789_012, storedOffset: 4_194_304, line: 77),
                                chunks: 9, outputLength: 1_000_000, rejectsLength: 512)
        point.rows = RowCounts(read: 10, written: 7, skipped: 1, rejected: 2)
        point.badRows = 3
        point.inputs = [(0, RowCounts(read: 4, written: 4)), (2, RowCounts(read: 6, written: 3, skipped: 1, rejected: 2))]
        point.nextCut = ChunkSizing.Cut(records: 768, byteLimit: 2 << 20)
        let read = try #require(ResumePoint(line: point.line))
        #expect(read.line == point.line)
        #expect(read.next == point.next)
        #expect(read.rows == point.rows && read.badRows == 3)
        #expect(read.inputs.map(\.file) == [0, 2] && read.inputs.map(\.rows) == point.inputs.map(\.rows))
        #expect(read.nextCut == point.nextCut)
        #expect(ResumePoint(line: "entry file=1") == nil)
        #expect(ResumePoint(line: point.line.replacingOccurrences(of: "cut=768:2097152", with: "cut=0:5")) == nil)
    }

    @Test func aJournalOfFormatOneIsNotRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnpipe-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".out.csv.nnpipe-journal").path
        let point = ResumePoint(next: InputPosition(file: 0, offset: 10, storedOffset: 10, line: 2),
                                chunks: 1, outputLength: 5, rejectsLength: 0)
        let text = ["nnpipe-journal 1", "pid 1", "header-end", point.line].map(JournalText.line).joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(ResumeJournal.read(path) == nil)
        #expect(ResumeJournal.formatLine == "nnpipe-journal 2")
    }

    @Test("only a temporary name of the journal's process beside the output may be adopted")
    func temporaryNames() {
        let target = "/data/out/day.csv"
        #expect(OutputFile.temporaryPrefix(of: target) == "/data/out/.day.csv.nnpipe-")
        #expect(OutputFile.isTemporaryName("/data/out/.day.csv.nnpipe-4242-aZ09xy", of: target, pid: 4242))
        for path in ["/data/out/.day.csv.nnpipe-4243-aZ09xy", "/data/out/.day.csv.nnpipe-4242-aZ09x",
                     "/data/out/.day.csv.nnpipe-4242-aZ09xyz", "/data/out/.day.csv.nnpipe-4242-aZ/9xy",
                     "/data/out/sub/.day.csv.nnpipe-4242-aZ09xy", "/data/.day.csv.nnpipe-4242-aZ09xy",
                     "/data/out/../out/.day.csv.nnpipe-4242-aZ09xy", "/data/out/day.csv", "/data/in/day.csv",
                     "/data/out/.other.csv.nnpipe-4242-aZ09xy", "/data/out/.day.csv.nnpipe-4242-aZ09x\u{0}"] {
            #expect(!OutputFile.isTemporaryName(path, of: target, pid: 4242), "\(path)")
        }
        #expect(OutputFile.temporaryPrefix(of: "/day.csv") == "//.day.csv.nnpipe-")
    }

    @Test("a long output name's side files are at most 255 bytes, recognized as its own, and differ from a name alike in its first bytes")
    func longNames() {
        let long = String(repeating: "é", count: 120) + "x.csv"
        let other = String(repeating: "é", count: 120) + "y.csv"
        let target = "/data/out/" + long
        let stem = SideFileName.stem(of: long)
        #expect(stem != long && stem != SideFileName.stem(of: other))
        #expect(SideFileName.stem(of: "day.csv") == "day.csv")
        let temporary = OutputFile.temporaryPrefix(of: target) + "4194304-aZ09xy"
        let name = String(temporary.dropFirst("/data/out/".count))
        #expect(name.utf8.count <= 255)
        #expect(OutputFile.isTemporaryName(temporary, of: target, pid: 4194304))
        #expect(TemporarySweeper.writer(ofTemporaryName: name) == 4194304)
        #expect(ResumeJournal.path(forTarget: target).hasPrefix("/data/out/." + stem + ".nnpipe-journal"))
        #expect(ResumeJournal.path(forTarget: target).utf8.count - "/data/out/".utf8.count <= 255)
    }
}
