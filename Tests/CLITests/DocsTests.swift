import Foundation
import Testing

/// The README and `docs/` as a newcomer uses them: the README stays short with the one-liner on
/// its first screen, the commands it shows run and print what it shows, its crontab lines work
/// in cron's bare environment once cron has read them, and every link leads somewhere.
@Suite("The README and docs/")
struct DocsTests {
    static func source(_ path: String) throws -> String {
        try String(contentsOf: CLI.repoRoot.appendingPathComponent(path), encoding: .utf8)
    }

    static let documents = ["README.md", "docs/models.md", "docs/pipelines.md", "docs/command-line.md",
                            "docs/operations.md", "docs/spark-hadoop.md", "docs/development.md"]

    /// The fenced blocks of `text`, each as its lines (the fences left out).
    static func codeBlocks(_ text: String) -> [[Substring]] {
        var blocks: [[Substring]] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = [] }
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test("the README is at most 250 lines, with the one-line run of your own model on its first screen")
    func shape() throws {
        let lines = try Self.source("README.md").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 250, "README.md has \(lines.count) lines")
        let oneLiner = try #require(lines.firstIndex { $0.hasPrefix("nnpipe run --model ") })
        #expect(oneLiner < 24, "the one-liner is at line \(oneLiner + 1)")
        // CI runs the README's test command (.ci/run): it must still be there, as a command of its own.
        #expect(lines.contains("bash scripts/test.sh"))
        #expect(try Self.source(".ci/run").contains("bash scripts/test.sh"))
    }

    @Test("the README's one-liner over the sample data prints the rows the README shows")
    func oneLinerRuns() throws {
        let blocks = Self.codeBlocks(try Self.source("README.md"))
        let index = try #require(blocks.firstIndex { $0.first?.hasPrefix(".build/release/nnpipe run --model sample-data/") == true })
        let command = String(blocks[index][0])
            .replacingOccurrences(of: ".build/release/nnpipe", with: shellQuoted(CLI.binary.path))
        let shown = blocks[index + 1].joined(separator: "\n") + "\n"
        let dir = try WorkDir()
        try FileManager.default.createSymbolicLink(at: dir.url.appendingPathComponent("sample-data"),
                                                   withDestinationURL: CLI.repoRoot.appendingPathComponent("sample-data"))
        let out = String(decoding: try Shell.run("set -o pipefail; \(command) 2> err.txt; echo status=$?", in: dir.url), as: UTF8.self)
        // `head` may close the pipe before nnpipe is done: 141 is the quiet stop for that.
        #expect(out.hasPrefix(shown), "\(out)")
        let stderr = try dir.text("err.txt")
        #expect(out.hasSuffix("status=0\n") || out.hasSuffix("status=141\n"), "\(out) \(stderr)")
    }

    /// What cron does with a crontab command (Vixie cron and cronie): a `%` ends the command (the
    /// rest, with `%` as line breaks, is its standard input), and `\%` stands for `%`.
    static func cronCommand(_ command: Substring) -> (command: String, stdin: String) {
        var out = ""
        var escaped = false
        var rest: Substring?
        for (offset, ch) in zip(command.indices, command) {
            if escaped {
                if ch != "%" { out.append("\\") }
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "%" {
                rest = command[command.index(after: offset)...]
                break
            } else {
                out.append(ch)
            }
        }
        if escaped { out.append("\\") }
        return (out, rest.map { $0.replacingOccurrences(of: "%", with: "\n") } ?? "")
    }

    /// The README's crontab lines: their commands after the five time fields.
    static func crontabCommands(_ text: String) -> [Substring] {
        codeBlocks(text).flatMap { $0 }.filter { $0.hasPrefix("15 2 * * *") || $0.hasPrefix("30 3 * * *") }
            .map { line in line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)[5] }
    }

    /// Runs `command` as cron would, with `env -i` and cron's PATH, in `dir`: its status and stderr.
    static func cron(_ command: String, stdin: String, in dir: WorkDir) throws -> (status: Int, stderr: String) {
        try dir.write("cron-command.sh", command + "\n")
        try dir.write("cron-stdin.txt", stdin)
        let out = try Shell.run("env -i PATH=/usr/bin:/bin HOME=\(shellQuoted(dir.url.path)) SHELL=/bin/sh /bin/sh cron-command.sh < cron-stdin.txt > /dev/null 2> cron-err.txt; echo $?", in: dir.url)
        return (Int(String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
                try dir.text("cron-err.txt"))
    }

    @Test("the README's crontab lines run silently in cron's environment; a bare nnpipe or a bare % does not")
    func crontabLinesWork() throws {
        let commands = Self.crontabCommands(try Self.source("README.md"))
        #expect(commands.count == 2, "\(commands)")
        let dir = try WorkDir()
        let today = String(decoding: try Shell.run("date +%F", in: dir.url), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try dir.write("m.json", sumModel)
        try dir.write("in/\(today).csv", "id,x1,x2\na,1,2\nb,3,4\n")
        try dir.write("etc/nightly.yaml", pipelineYAML(input: "../in/\(today).csv", model: "../m.json",
                                                       features: ["x1", "x2"], output: "../out/nightly.csv"))
        try dir.write("etc/daily.yaml", pipelineYAML(input: "../in/${DAY}.csv", model: "../m.json",
                                                     features: ["x1", "x2"], output: "../out/${DAY}.csv"))
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("log"), withIntermediateDirectories: true)
        func local(_ command: String) -> String {
            command.replacingOccurrences(of: "/usr/local/bin/nnpipe", with: shellQuoted(CLI.binary.path))
                .replacingOccurrences(of: "/etc/nnpipe/", with: dir.path("etc") + "/")
                .replacingOccurrences(of: "/var/log/nnpipe/", with: dir.path("log") + "/")
        }
        for line in commands {
            #expect(line.contains("/usr/local/bin/nnpipe "), "a crontab line without the full path: \(line)")
            let (command, stdin) = Self.cronCommand(line)
            let result = try Self.cron(local(command), stdin: stdin, in: dir)
            #expect(result.status == 0, "\(line): \(result.stderr)")
            #expect(result.stderr == "", "\(line): cron would mail \(result.stderr)")
        }
        #expect(dir.exists("out/nightly.csv"))
        let listing = try dir.listing()
        #expect(dir.exists("out/\(today).csv"), "\(listing)")
        #expect(dir.exists("log/nightly.json"))

        // What the README warns of: a bare nnpipe is not on cron's PATH, and a bare % cuts the line.
        let bare = try Self.cron("nnpipe run \(dir.path("etc/nightly.yaml")) --quiet", stdin: "", in: dir)
        #expect(bare.status == 127, "\(bare)")
        let daily = try #require(commands.first { $0.contains("\\%") })
        let unescaped = Self.cronCommand(Substring(daily.replacingOccurrences(of: "\\%", with: "%")))
        let cut = try Self.cron(local(unescaped.command), stdin: unescaped.stdin, in: dir)
        #expect(cut.status != 0, "a bare % should have broken the line: \(unescaped.command)")
    }

    @Test("nnpipe(1)'s crontab lines give the binary's full path and escape %")
    func manPageCron() throws {
        let page = try Self.source("man/nnpipe.1")
        let lines = page.split(separator: "\n").filter { $0.contains("* * *") }
        #expect(!lines.isEmpty)
        for line in lines {
            let command = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)[5]
            #expect(command.contains("/usr/local/bin/nnpipe "), "\(line)")
            // In roff, \e prints a backslash: the page shows \% wherever a % is.
            #expect(!command.contains("%") || command.contains("\\e%"), "\(line)")
        }
        #expect(page.contains("status 127"))
    }

    /// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes.
    static func anchor(_ heading: Substring) -> String {
        let text = heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
        return String(text.compactMap { ch -> Character? in
            if ch == " " { return "-" }
            return ch.isLetter || ch.isNumber || ch == "-" || ch == "_" ? ch : nil
        })
    }

    @Test("every relative link in the README and docs/ leads to a file, and to a heading there", arguments: documents)
    func links(document: String) throws {
        let text = try Self.source(document)
        let folder = URL(fileURLWithPath: document).deletingLastPathComponent().relativePath
        for match in text.matches(of: /\]\(([^)\s]+)\)/) {
            let link = String(match.output.1)
            if link.hasPrefix("http://") || link.hasPrefix("https://") { continue }
            let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let file = parts[0].isEmpty ? document : (folder == "." ? "" : folder + "/") + parts[0]
            let target = CLI.repoRoot.appendingPathComponent(file).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: target.path), "\(document): \(link)")
            guard parts.count == 2, let targetText = try? String(contentsOf: target, encoding: .utf8) else { continue }
            var inCode = false
            var anchors = Set<String>()
            for line in targetText.split(separator: "\n") {
                if line.hasPrefix("```") { inCode.toggle() }
                if !inCode, line.hasPrefix("#") { anchors.insert(Self.anchor(line)) }
            }
            #expect(anchors.contains(String(parts[1])), "\(document): \(link): no such heading in \(file)")
        }
    }
}
