import Foundation
import Testing

/// A work folder holding copies of `pipelines/` and `sample-data/`, as the README's examples use them.
private func sampleWorkDir() throws -> WorkDir {
    let work = try WorkDir()
    for folder in ["pipelines", "sample-data"] {
        try FileManager.default.copyItem(at: CLI.repoRoot.appendingPathComponent(folder), to: work.url.appendingPathComponent(folder))
    }
    return work
}

@Suite("The command line: pipelines without a file, from standard input and pipes, and --set")
struct CommandLinePipelineTests {
    @Test("a one-liner writes, byte for byte, what the same pipeline file writes (seed)")
    func seedOneLiner() throws {
        let work = try sampleWorkDir()
        let file = try work.nnpipe("run", "pipelines/seed.yaml", "-o", "-", "-q")
        #expect(file.status == 0)
        let oneLiner = try work.nnpipe("run", "--model", "sample-data/seed-model.json", "--features", "x1,x2", "--carry", "id",
                                       "sample-data/seed-samples.csv.gz", "-q")
        #expect(oneLiner.status == 0, "\(oneLiner.stderr)")
        expectSameBytes(oneLiner.stdout, file.stdout)
        #expect(!file.stdout.isEmpty)
        // Standard input when no input is given.
        let piped = try CLI.run(["run", "--model", "sample-data/seed-model.json", "--features", "x1,x2", "--carry", "id", "-q"],
                                in: work.url, stdinFile: work.url.appendingPathComponent("sample-data/seed-samples.csv.gz"))
        #expect(piped.status == 0, "\(piped.stderr)")
        expectSameBytes(piped.stdout, file.stdout)
    }

    @Test("a one-liner over the sensor model (npz with --activations) equals the npz pipeline file, carrying '*'")
    func sensorOneLiner() throws {
        let work = try sampleWorkDir()
        let file = try work.nnpipe("run", "pipelines/sensor-classes-npz.yaml", "-o", "-", "-q",
                                   "--set", "write.compression=none")
        #expect(file.status == 0, "\(file.stderr)")
        let features = (0..<8).map { "s\($0)" }.joined(separator: ",")
        let oneLiner = try work.nnpipe("run", "--model", "sample-data/sensor-model.npz", "--activations", "relu,softmax",
                                       "--features", features, "--carry", "*", "sample-data/sensor-readings.csv.gz",
                                       "--on-error", "skip", "--set", "write.columns=[p_idle, p_normal, p_busy, p_fault]", "-q")
        #expect(oneLiner.status == 0, "\(oneLiner.stderr)")
        expectSameBytes(oneLiner.stdout, file.stdout)
        #expect(oneLiner.stdoutText.hasPrefix("reading_id,recorded_at,note,p_idle,"))
    }

    @Test("carry: \"*\" in a file, with and without a header")
    func carryEverything() throws {
        let work = try WorkDir()
        try work.write("in.csv", "id,x1,tag,x2\n7,1,a,2\n8,3,b,4\n")
        try work.write("m.json", sumModel)
        try work.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [x1, x2], carry: "*"}
              - forward: {model: m.json}
              - write: {path: "-"}
            """)
        let run = try work.nnpipe("run", "p.yaml", "-q")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText == "id,tag,y0,y1\n7,a,5.0,1.0\n8,b,11.0,3.0\n")
        try work.write("bare.csv", "7,1,a,2\n8,3,b,4\n")
        let bare = try work.nnpipe("run", "--model", "m.json", "--no-header", "--features", "1,3", "--carry", "*", "bare.csv", "-q")
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdoutText == "c0,c2,y0,y1\n7,a,5.0,1.0\n8,b,11.0,3.0\n")
    }

    @Test("the one-liner's mistakes name the option and exit 64")
    func oneLinerMistakes() throws {
        let work = try sampleWorkDir()
        let missing = try work.nnpipe("run", "--model", "sample-data/sensor-model.npz", "--features", "s0,s1,s2,s3,s4,s5,s6,s7",
                                      "sample-data/sensor-readings.csv.gz")
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("nnpipe: --model: the model (npz) holds no activations"))
        let count = try work.nnpipe("run", "--model", "sample-data/seed-model.json", "--features", "x1", "sample-data/seed-samples.csv.gz")
        #expect(count.status == 64)
        #expect(count.stderr.contains("nnpipe: --model: the model"))
        let noFeatures = try work.nnpipe("run", "--model", "sample-data/seed-model.json")
        #expect(noFeatures.status == 64)
        #expect(noFeatures.stderr.hasPrefix("nnpipe: --model needs --features"))
        #expect(!noFeatures.stderr.contains("Error:"))
    }

    @Test("the pipeline from standard input (run -) and from a pipe (<(...))")
    func pipelineFromStreams() throws {
        let work = try sampleWorkDir()
        let file = try work.nnpipe("run", "pipelines/seed.yaml", "-o", "-", "-q")
        let yaml = try work.read("pipelines/seed.yaml")
        // A piped pipeline has no folder: its relative paths resolve against the working folder.
        let stdin = try CLI.run(["run", "-", "-o", "-", "-q"], in: work.url.appendingPathComponent("pipelines"), stdin: yaml)
        #expect(stdin.status == 0, "\(stdin.stderr)")
        expectSameBytes(stdin.stdout, file.stdout)
        let fifo = try Shell.run("cd pipelines && '\(CLI.binary.path)' run <(cat seed.yaml) -o - -q", in: work.url)
        expectSameBytes(fifo, file.stdout)
        let both = try CLI.run(["run", "-", "--input", "-"], in: work.url.appendingPathComponent("pipelines"), stdin: yaml)
        #expect(both.status == 64)
        #expect(both.stderr.contains("cannot be standard input too"))
        let gone = try work.nnpipe("run", "nothere.yaml")
        #expect(gone.status == 78)
        #expect(gone.stderr.contains("nothere.yaml: pipeline file not found"))
    }

    @Test("--set sets a value and a list; a wrong key or value names the option and exits 64")
    func setKeys() throws {
        let work = try sampleWorkDir()
        let level = try work.nnpipe("run", "pipelines/seed.yaml", "--set", "write.path=out.csv.gz", "--set", "write.gzip_level=9",
                                    "--set", "execution.workers=2", "-q")
        #expect(level.status == 0, "\(level.stderr)")
        #expect(try work.read("out.csv.gz").prefix(2) == Data([0x1F, 0x8B]))
        let list = try work.nnpipe("run", "pipelines/seed.yaml", "-o", "-", "-q",
                                   "--set", "read.path=[sample-data/seed-samples.csv.gz, sample-data/seed-samples.csv]")
        #expect(list.status == 66)
        #expect(list.stderr.contains("sample-data/seed-samples.csv"))
        for (setting, words) in [("write.gzip_levle=6", "--set write.gzip_levle: unknown key 'gzip_levle'; did you mean 'gzip_level'?"),
                                 ("wirte.path=x", "--set wirte.path: unknown section 'wirte'; did you mean 'write'?"),
                                 ("write.gzip_level=12", "--set write.gzip_level: 12 is out of range 1...9"),
                                 ("gzip_level", "--set gzip_level: expected KEY=VALUE"),
                                 ("top_k.k=2", "--set top_k.k: the pipeline has no top_k stage")] {
            let run = try work.nnpipe("run", "pipelines/seed.yaml", "--set", setting)
            #expect(run.status == 64, "\(setting)")
            #expect(run.stderr.contains("nnpipe: \(words)"), "\(run.stderr)")
        }
    }

    @Test("a key a flag replaces is neither required nor expanded: an unset ${DAY} in read.path with --input runs")
    func replacedKeyNotExpanded() throws {
        let work = try WorkDir()
        try work.write("in.csv", "id,x1,x2\n1,1,2\n")
        try work.write("m.json", sumModel)
        try work.write("p.yaml", pipelineYAML(input: "/data/${NNT_UNSET_DAY}.csv", model: "m.json", features: ["x1", "x2"], output: "-"))
        let run = try work.nnpipe("run", "p.yaml", "--input", "in.csv", "-q")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText == "id,y0,y1\n1,5.0,1.0\n")
        try work.write("nopath.yaml", """
            stages:
              - read: {features: [x1, x2], carry: [id]}
              - forward: {model: m.json}
              - write: {}
            """)
        let noPaths = try work.nnpipe("run", "nopath.yaml", "in.csv", "-o", "-", "-q")
        #expect(noPaths.status == 0, "\(noPaths.stderr)")
        #expect(noPaths.stdoutText == "id,y0,y1\n1,5.0,1.0\n")
    }

    @Test("repeated --input and inputs after the pipeline are read in order, like a list in read.path")
    func severalInputs() throws {
        let work = try WorkDir()
        try work.write("a.csv", "id,x1,x2\n1,1,2\n")
        try work.write("b.csv", "id,x1,x2\n2,3,4\n")
        try work.write("c.csv", "id,x1,x2\n3,5,6\n")
        try work.writeSumPipeline(input: "none.csv", output: "-")
        let repeated = try work.nnpipe("run", "p.yaml", "-i", "b.csv", "--input", "a.csv", "-q")
        #expect(repeated.status == 0, "\(repeated.stderr)")
        #expect(repeated.stdoutText == "id,y0,y1\n2,11.0,3.0\n1,5.0,1.0\n")
        let positional = try work.nnpipe("run", "p.yaml", "a.csv", "b.csv", "c.csv", "-q")
        #expect(positional.stdoutText == "id,y0,y1\n1,5.0,1.0\n2,11.0,3.0\n3,17.0,5.0\n")
        let mixed = try work.nnpipe("run", "p.yaml", "-i", "c.csv", "a.csv", "-q")
        #expect(mixed.stdoutText == "id,y0,y1\n3,17.0,5.0\n1,5.0,1.0\n")
    }

    @Test("--rejects makes --on-error reject usable; --workers auto is accepted")
    func rejectsAndWorkers() throws {
        let work = try WorkDir()
        try work.write("in.csv", "id,x1,x2\n1,1,2\n2,oops,4\n")
        try work.writeSumPipeline(input: "in.csv", output: "out.csv")
        let refused = try work.nnpipe("run", "p.yaml", "--on-error", "reject")
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("nnpipe: --on-error reject: needs a rejects file: --rejects PATH"))
        let run = try work.nnpipe("run", "p.yaml", "--on-error", "reject", "--rejects", "r.csv", "--workers", "auto", "-q")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try work.text("out.csv") == "id,y0,y1\n1,5.0,1.0\n")
        #expect(try work.text("r.csv").contains("oops"))
        let bad = try work.nnpipe("run", "p.yaml", "--workers", "many")
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("nnpipe: --workers must be auto or between 1 and 1024"))
    }

    @Test("nnpipe --version prints the version and exits 0")
    func version() throws {
        let work = try WorkDir()
        let run = try work.nnpipe("--version")
        #expect(run.status == 0)
        #expect(run.stdoutText.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
    }
}
