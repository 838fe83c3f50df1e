import Foundation
import Testing

/// The man pages in `man/`: groff reads them without a warning, they render every character,
/// `nnpipe(1)` describes every option that `--help` lists, and its EXIT STATUS table lists the
/// statuses the README, docs/operations.md and the code give.
@Suite("Man pages")
struct ManPageTests {
    static let pages = ["man/nnpipe.1", "man/nnpipe-pipeline.5"]
    static let hasMan = FileManager.default.isExecutableFile(atPath: "/usr/bin/man")

    static func source(_ page: String) throws -> String {
        try String(contentsOf: CLI.repoRoot.appendingPathComponent(page), encoding: .utf8)
    }

    /// `man` on `page` in a UTF-8 locale, 100 columns wide: standard output, then standard error.
    static func render(_ page: String, options: String = "") throws -> (text: String, warnings: String) {
        let dir = try WorkDir()
        let path = shellQuoted(CLI.repoRoot.appendingPathComponent(page).path)
        let command = "LC_ALL=C.UTF-8 MANWIDTH=100 MAN_KEEP_FORMATTING= timeout 60 man \(options) -l \(path) 2> warnings.txt | col -b"
        let text = String(decoding: try Shell.run(command, in: dir.url), as: UTF8.self)
        return (text, try dir.text("warnings.txt"))
    }

    @Test("man --warnings prints nothing for either page", .enabled(if: hasMan), arguments: pages)
    func noWarnings(page: String) throws {
        let (text, warnings) = try Self.render(page, options: "--warnings")
        #expect(warnings.isEmpty, "\(page): \(warnings)")
        #expect(text.contains("SEE ALSO"), "\(page) did not render: \(text.prefix(500))")
    }

    @Test("inputs→units renders as an arrow", .enabled(if: hasMan))
    func arrow() throws {
        let text = try Self.render("man/nnpipe.1").text
        #expect(text.contains("inputs→units"), "\(text)")
        #expect(!text.contains("inputsunits"))
    }

    /// The statuses in the lines of `text` from the one starting with `start` to the next one
    /// starting with `end`, taken from lines that `isEntry` picks.
    static func statuses(in text: String, from start: String, to end: String, isEntry: (Substring) -> Bool) -> Set<Int> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return [] }
        let section = lines[(first + 1)...].prefix { !$0.hasPrefix(end) }
        var found = Set<Int>()
        for line in section where isEntry(line) {
            // The first cell (README) or the tag (man): the numbers before the first space after them.
            let head = line.hasPrefix("|") ? line.split(separator: "|").first ?? "" : line.dropFirst(4)
            for match in head.matches(of: /\d+/) { found.insert(Int(match.output) ?? -1) }
        }
        return found
    }

    @Test("EXIT STATUS lists the statuses of the README's short table, of docs/operations.md's full one, and of the code")
    func exitStatuses() throws {
        let man = Self.statuses(in: try Self.source("man/nnpipe.1"), from: ".Sh EXIT STATUS", to: ".Sh") { $0.hasPrefix(".It ") }
        let isRow: (Substring) -> Bool = { line in line.hasPrefix("| ") && line.dropFirst(2).first?.isNumber == true }
        let readme = Self.statuses(in: try Self.source("README.md"), from: "### Exit statuses", to: "#", isEntry: isRow)
        let operations = Self.statuses(in: try Self.source("docs/operations.md"), from: "## Exit statuses", to: "#", isEntry: isRow)
        #expect(man.count >= 14, "\(man.sorted())")
        #expect(man == readme, "man page \(man.sorted()) vs README \(readme.sorted())")
        #expect(man == operations, "man page \(man.sorted()) vs docs/operations.md \(operations.sorted())")
        // The code's statuses: ExitStatus, 1 from `nnpipe test`, 128 + N for the signals handled.
        let code = try Self.source("Sources/NNPipe/Diagnostics/NNPipeError.swift")
        let enumBody = code.components(separatedBy: "package enum ExitStatus").dropFirst().first?.components(separatedBy: "\n}").first ?? ""
        var fromCode = Set(enumBody.matches(of: /case \w+ = (\d+)/).compactMap { Int($0.output.1) })
        fromCode.insert(1)
        fromCode.formUnion([1, 3, 10, 12, 14].map { 128 + $0 })
        #expect(fromCode.count >= 14, "\(fromCode.sorted())")
        #expect(man == fromCode, "man page \(man.sorted()) vs code \(fromCode.sorted())")
    }

    @Test("nnpipe(1) describes every option of every command's --help")
    func everyOption() throws {
        let page = try Self.source("man/nnpipe.1")
        let dir = try WorkDir()
        for command in ["", "run", "validate", "test", "inspect"] {
            let help = try CLI.run((command.isEmpty ? [] : [command]) + ["--help"], in: dir.url).stdoutText
            let options = Set(help.matches(of: /(?:^|[\s,])--([a-z][a-z-]*)/).map { String($0.output.1) })
            #expect(!options.isEmpty, "nnpipe \(command) --help lists no options")
            for option in options {
                #expect(page.contains("Fl -\(option) ") || page.contains("Fl -\(option)\n"),
                        "nnpipe \(command): --\(option) is not described in man/nnpipe.1")
            }
        }
    }
}
