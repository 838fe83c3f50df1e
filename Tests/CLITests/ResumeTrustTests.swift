import Foundation
import Glibc
import Testing

/// `--resume` trusts nothing on disk it has not checked: a temporary file shorter than its
/// journal's last entry records (cut by a full disk, a copy or a hand) is not continued, nor is a
/// file the journal names that is not one of nnpipe's own temporary names beside the output (an
/// edited journal, its checksums recomputed); the run starts over with a notice saying why, and
/// ends byte-identical to a run never killed, leaving the named file untouched.
@Suite struct ResumeTrustTests {
    /// The journal's line checksum (FNV-1a over eight-byte words, then the rest, then a
    /// separator), as someone editing a journal would recompute it.
    static func journalLine(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let words = bytes.count / 8
        for i in 0..<words {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[i * 8 + k]) << UInt64(8 * k) }
            h ^= word
            h = h &* 0x100_0000_01b3
            h ^= h >> 32
        }
        for byte in bytes[(words * 8)...] {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        h = (h ^ 0xFF) &* 0x100_0000_01b3
        let digits = String(h, radix: 16)
        return "\(text) ~\(String(repeating: "0", count: 16 - digits.count))\(digits)\n"
    }

    static let journal = ".out.csv.nnpipe-journal"

    /// The texts of the journal's lines (checksums dropped).
    static func journalTexts(_ dir: WorkDir) throws -> [String] {
        try dir.text(journal).split(separator: "\n").map { line in
            String(line[..<(line.range(of: " ~", options: .backwards)?.lowerBound ?? line.endIndex)])
        }
    }

    /// Rewrites the journal's header line that starts with `key ` to name `path`, checksum recomputed.
    static func renameInJournal(_ dir: WorkDir, key: String, to path: String) throws {
        let texts = try journalTexts(dir).map { $0.hasPrefix("\(key) ") ? "\(key) \(path)" : $0 }
        try dir.write(journal, texts.map(journalLine).joined())
        #expect(try journalTexts(dir).contains("\(key) \(path)"))
    }

    /// The value of `key` (`output=`, `rejects=`) in the journal's last entry.
    static func lastEntry(_ dir: WorkDir, _ key: String) throws -> Int {
        let entry = try journalTexts(dir).last { $0.hasPrefix("entry ") } ?? ""
        let word = entry.split(separator: " ").first { $0.hasPrefix("\(key)=") }
        return word.flatMap { Int($0.dropFirst(key.count + 1)) } ?? -1
    }

    /// The path the journal's header gives for `key` (`output`, `rejects`).
    static func named(_ dir: WorkDir, _ key: String) throws -> String {
        String(try journalTexts(dir).first { $0.hasPrefix("\(key) ") }?.dropFirst(key.count + 1) ?? "")
    }

    /// A resumed run that started over: status 0, the notice, the outputs byte-identical to the
    /// reference, nothing counted as resumed, no file left behind.
    static func expectStartedOver(_ dir: WorkDir, notice: String, _ what: String) throws {
        let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
        #expect(resumed.status == 0, "\(what): \(resumed.stderr)")
        #expect(resumed.stderr.contains("nnpipe: out.csv: nothing to resume (\(notice)): starting from the beginning"),
                "\(what): \(resumed.stderr)")
        try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"), "\(what)")
        try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"), "\(what)")
        #expect(try !dir.read("out.csv").contains(0), "\(what): NUL bytes in the output")
        #expect(try !dir.text("stats.json").contains(#""rows_resumed""#), "\(what): rows counted as resumed")
        #expect(try ResumeTests.leftovers(dir) == [], "\(what)")
    }

    @Test("a temporary output or rejects file shorter than the journal's last entry is not resumed from",
          arguments: ["output cut to 1000 bytes", "output one byte short", "output emptied", "rejects emptied"])
    func aShortTemporaryFileIsNotResumedFrom(_ cut: String) throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        // Past row 20000 (chunk 40): the rejects file holds the bad row.
        try ResumeTests.runKilled(after: 60, dir, ["run", "p.yaml"])
        let rejects = cut.hasPrefix("rejects")
        let path = try Self.named(dir, rejects ? "rejects" : "output")
        let recorded = try Self.lastEntry(dir, rejects ? "rejects" : "output")
        #expect(recorded > (rejects ? 0 : 1000), "\(recorded)")
        let length = cut.contains("1000") ? 1000 : cut.contains("one byte") ? recorded - 1 : 0
        #expect(truncate(path, off_t(length)) == 0)
        try Self.expectStartedOver(dir, notice: "the killed run's temporary \(rejects ? "rejects file" : "output") is \(length) bytes, "
            + "shorter than the \(recorded) its journal records", cut)
    }

    @Test("a temporary output longer than the journal's last entry (written after it) is resumed from, cut to the entry")
    func aLongerTemporaryOutputIsResumed() throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try ResumeTests.runKilled(after: 60, dir, ["run", "p.yaml"])
        let path = try Self.named(dir, "output")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("garbage written after the last entry\n".utf8))
        handle.closeFile()
        let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("nothing to resume"), "\(resumed.stderr)")
        #expect(try dir.text("stats.json").contains(#""rows_resumed": 30000,"#))
        try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"))
        try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"))
    }

    @Test("a journal that names a file other than its own temporary one is not adopted; that file is untouched",
          arguments: ["another file", "the output itself", "a copy in another folder", "another process's name", "a link", "another rejects file"])
    func aForeignFileIsNotAdopted(_ named: String) throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try dir.write("out.csv", "an earlier output\n")
        try ResumeTests.runKilled(after: 60, dir, ["run", "p.yaml"])
        let temporary = try Self.named(dir, "output")
        let folder = (temporary as NSString).deletingLastPathComponent
        let victim = folder + "/victim.csv"
        // As long as the entry records, so that only the name can give it away.
        let victimBytes = Data(repeating: 0x76, count: try Self.lastEntry(dir, "output") + 100)
        var key = "output"
        var target = victim
        switch named {
        case "another file":
            try victimBytes.write(to: URL(fileURLWithPath: victim))
        case "the output itself":
            target = folder + "/out.csv"
        case "a copy in another folder":
            try FileManager.default.createDirectory(atPath: folder + "/elsewhere", withIntermediateDirectories: true)
            target = folder + "/elsewhere/" + (temporary as NSString).lastPathComponent
            try FileManager.default.copyItem(atPath: temporary, toPath: target)
        case "another process's name":
            // A temporary name of the right shape beside the output, but of another process.
            let name = (temporary as NSString).lastPathComponent
            let pid = name.split(separator: "-")[1]
            target = folder + "/" + name.replacingOccurrences(of: "-\(pid)-", with: "-\(Int(pid)! + 1)-")
            try FileManager.default.copyItem(atPath: temporary, toPath: target)
        case "a link":
            // The temporary name itself, made a link to another file.
            try victimBytes.write(to: URL(fileURLWithPath: victim))
            try FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: victim)
            target = temporary
        default:
            key = "rejects"
            try victimBytes.write(to: URL(fileURLWithPath: victim))
        }
        let before = FileManager.default.contents(atPath: target)
        if target != temporary { try Self.renameInJournal(dir, key: key, to: target) }
        let notice = named == "a link" ? "the killed run's temporary output is not a regular file"
            : "the journal names \(target) as the temporary \(key == "output" ? "output" : "rejects file"), "
                + "which is not a temporary name of nnpipe's beside the \(key == "output" ? "output" : "rejects file")"
        let resumed = try dir.bounded(["run", "p.yaml", "--resume", "--stats-json", "stats.json"])
        #expect(resumed.status == 0, "\(named): \(resumed.stderr)")
        #expect(resumed.stderr.contains("nnpipe: out.csv: nothing to resume (\(notice)): starting from the beginning"),
                "\(named): \(resumed.stderr)")
        try expectSameBytes(dir.read("out.csv"), dir.read("ref.csv"), "\(named)")
        try expectSameBytes(dir.read("rej.csv"), dir.read("ref-rej.csv"), "\(named)")
        #expect(try !dir.text("stats.json").contains(#""rows_resumed""#), "\(named): rows counted as resumed")
        // (A name of nnpipe's shape whose process is gone is a leftover, which a run removes.)
        if ["another file", "a copy in another folder", "another rejects file"].contains(named) {
            expectSameBytes(FileManager.default.contents(atPath: target), before, "\(named): the named file changed")
        }
        if FileManager.default.fileExists(atPath: victim) {
            #expect(FileManager.default.contents(atPath: victim) == victimBytes, "\(named): the victim changed")
        }
    }

    @Test("a temporary output with another name (a hard link to a user's file) is not resumed from; that file is untouched")
    func aHardLinkedTemporaryOutputIsNotResumedFrom() throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try ResumeTests.runKilled(after: 60, dir, ["run", "p.yaml"])
        let temporary = try Self.named(dir, "output")
        // The user's file, made the temporary output's second name: a resume would append to it.
        try FileManager.default.moveItem(atPath: temporary, toPath: dir.path("user.csv"))
        try FileManager.default.linkItem(atPath: dir.path("user.csv"), toPath: temporary)
        let before = try dir.read("user.csv")
        try Self.expectStartedOver(dir, notice: "the killed run's temporary output has other names (hard links), which it would write through",
                                   "a hard link")
        try expectSameBytes(dir.read("user.csv"), before, "the linked file changed")
    }

    @Test("a temporary output or rejects file whose first bytes changed (same length) is not resumed from",
          arguments: ["output replaced", "output's first byte edited", "rejects file replaced"])
    func aChangedTemporaryFileIsNotResumedFrom(_ change: String) throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try ResumeTests.runKilled(after: 60, dir, ["run", "p.yaml"])
        let rejects = change.hasPrefix("rejects")
        let path = try Self.named(dir, rejects ? "rejects" : "output")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if change.contains("edited") {
            bytes[bytes.startIndex] ^= 0x20
        } else {
            // Other text of the very same length: only the bytes can give it away.
            bytes = Data(repeating: 0x78, count: bytes.count)
        }
        try bytes.write(to: URL(fileURLWithPath: path))
        try Self.expectStartedOver(dir, notice: "the killed run's temporary \(rejects ? "rejects file" : "output") does not hold the bytes its journal records (it was changed or replaced)",
                                   change)
    }

    @Test("an entry whose offset was edited (its checksum recomputed) past the input's end, or below 0, never makes a wrong output",
          arguments: ["99999999999", "-5"])
    func aForgedOffsetIsNotFollowed(_ offset: String) throws {
        let dir = try ResumeTests.makeFolder()
        let reference = try dir.bounded(["run", "p.yaml", "-o", "ref.csv", "--rejects", "ref-rej.csv"])
        #expect(reference.status == 0)
        try ResumeTests.runKilled(after: 60, dir, ["run", "p.yaml"])
        let texts = try Self.journalTexts(dir).map { text in
            text.hasPrefix("entry ") ? text.replacing(/offset=\d+/, with: "offset=\(offset)") : text
        }
        try dir.write(Self.journal, texts.map(Self.journalLine).joined())
        if offset.hasPrefix("-") {
            try Self.expectStartedOver(dir, notice: "the killed run's journal is incomplete or from another version of nnpipe", offset)
            return
        }
        let resumed = try dir.bounded(["run", "p.yaml", "--resume"])
        #expect(resumed.status == 65, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("the input ends before byte \(offset), where the run being resumed stopped"), "\(resumed.stderr)")
        #expect(!dir.exists("out.csv"))
    }
}
