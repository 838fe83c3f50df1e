import Foundation
import Testing

/// Every command-line option value is checked before anything runs: a value out of range, not
/// finite or not a number is a usage error (64) with one line naming the option and what it
/// accepts, never a trap (70); and a problem that a `--set` value causes is a usage error too,
/// where the same problem written in the pipeline file stays 78.
@Suite("Option values: checked, finite, in range; --set mistakes exit 64")
struct OptionValueTests {
    /// A folder with the sum pipeline over a two-row input, writing `out.csv`.
    func sumFolder() throws -> WorkDir {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\n1,1,2\n2,3,4\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        return dir
    }

    static let refusedValues: [(arguments: [String], message: String)] = [
        (["--progress-interval", "nan"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--progress-interval", "inf"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--progress-interval=-inf"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--progress-interval", "1e20"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--progress-interval", "86400.5"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--progress-interval=-1"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--progress-interval=-0.001"], "--progress-interval must be a number of seconds between 0 and 86400 (below 0.05: every 0.05)"),
        (["--chunk-rows", "0"], "--chunk-rows must be between 1 and 10000000"),
        (["--chunk-rows", "10000001"], "--chunk-rows must be between 1 and 10000000"),
        (["--chunk-rows=-3"], "--chunk-rows must be between 1 and 10000000"),
        (["--workers", "0"], "--workers must be auto or between 1 and 1024"),
        (["--workers", "1025"], "--workers must be auto or between 1 and 1024"),
        (["--workers", "nan"], "--workers must be auto or between 1 and 1024"),
    ]

    @Test("a value out of range, infinite or NaN is a usage error naming the option", arguments: 0..<refusedValues.count)
    func refusedValue(_ index: Int) throws {
        let (arguments, message) = Self.refusedValues[index]
        let dir = try sumFolder()
        let result = try dir.nnpipe(within: 60, arguments: ["run", "p.yaml", "--progress"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderrLines.first == "nnpipe: \(message)", "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"), "\(arguments): \(result.stderr)")
        #expect(!dir.exists("out.csv"))
    }

    @Test("the ends of --progress-interval's range are accepted")
    func progressIntervalEnds() throws {
        for value in ["0", "0.01", "86400"] {
            let dir = try sumFolder()
            let result = try dir.nnpipe(within: 60, "run", "p.yaml", "--progress", "--progress-interval", value)
            #expect(result.status == 0, "\(value): \(result.stderr)")
            #expect(try dir.text("out.csv") == "id,y0,y1\n1,5.0,1.0\n2,11.0,3.0\n")
        }
    }

    static let setMistakes: [(setting: String, message: String)] = [
        ("write.columns=[p]", "p.yaml: write.columns: names 1 columns but the pipeline writes 2 after the carried ones (y0,y1)"),
        ("forward.layers=[]", "p.yaml:8:7: stages[1].forward: give either model (a file) or layers (inline), not both"),
        ("errors.policy=reject", "p.yaml: errors: the reject policy needs a rejects file (errors.rejects)"),
        ("errors.rejects=r-{stem}.csv", "p.yaml: errors: a rejects name template ({stem}, {name}) needs a write.path template: one rejects file per output"),
    ]

    @Test("a problem a --set value causes exits 64, its message as it was", arguments: 0..<setMistakes.count)
    func setMistake(_ index: Int) throws {
        let (setting, message) = Self.setMistakes[index]
        let dir = try sumFolder()
        let result = try dir.nnpipe(within: 60, "run", "p.yaml", "--set", setting)
        #expect(result.status == 64, "\(setting): \(result.stderr)")
        #expect(result.stderrLines.first == "nnpipe: \(message)", "\(setting): \(result.stderr)")
        #expect(!dir.exists("out.csv"))
    }

    @Test("the same problems written in the pipeline file still exit 78")
    func sameProblemsInTheFile() throws {
        let dir = try sumFolder()
        let inFile: [(extraWrite: String, forward: String?, message: String)] = [
            ("      columns: [p]", nil, "write.columns: names 1 columns but the pipeline writes 2"),
            ("", "  - forward:\n      model: m.json\n      layers: []", "give either model (a file) or layers (inline), not both"),
            ("errors:\n  policy: reject", nil, "the reject policy needs a rejects file (errors.rejects)"),
        ]
        for (extraWrite, forward, message) in inFile {
            var yaml = pipelineYAML(input: "in.csv", model: "m.json", features: ["x1", "x2"], output: "out.csv", extraWrite: extraWrite)
            if let forward { yaml = yaml.replacingOccurrences(of: "  - forward:\n      model: m.json", with: forward) }
            try dir.write("q.yaml", yaml)
            let result = try dir.nnpipe(within: 60, "run", "q.yaml")
            #expect(result.status == 78, "\(message): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
        // A --set beside a problem it has no part in leaves it at 78.
        try dir.write("q.yaml", pipelineYAML(input: "in.csv", model: "m.json", features: ["x1", "x2"], output: "out.csv",
                                             extraWrite: "      columns: [p]"))
        let unrelated = try dir.nnpipe(within: 60, "run", "q.yaml", "--set", "execution.workers=2")
        #expect(unrelated.status == 78, "\(unrelated.stderr)")
    }
}
