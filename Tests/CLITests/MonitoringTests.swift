import Foundation
import Testing

/// `--stats-json` and `--metrics-textfile` on every exit: success, a bad row (65), a pipeline file
/// that does not load (78), a command-line mistake found after parsing (64); the metrics read by
/// Prometheus' own parser (Debian's python3-prometheus-client, which scripts/setup.sh installs).
@Suite("Monitoring files on every exit")
struct MonitoringTests {
    /// The metrics file parsed by prometheus_client: `name{labels} value` lines, sorted.
    static func parsed(_ dir: WorkDir, _ file: String) throws -> [String] {
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    print(f"{s.name}{{{labels}}} {s.value:g}")
            """
        try dir.write("parse.py", script)
        let out = try Shell.run("/usr/bin/python3 parse.py \(file) 2>&1", in: dir.url)
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }

    static func stats(_ dir: WorkDir) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: dir.read("s.json")) as? [String: Any] ?? [:]
    }

    @Test("success, a bad row, a pipeline that does not load, a path mistake: both files say which", .bounded(minutes: 5))
    func everyExit() throws {
        let dir = try WorkDir()
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv")
        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        let before = Date()
        let good = try dir.nnpipe("run", "p.yaml", "-q", "--stats-json", "s.json", "--metrics-textfile", "m.prom")
        let after = Date()
        #expect(good.status == 0, "\(good.stderr)")
        var stats = try Self.stats(dir)
        expectRFC3339(stats["started_at"] as? String, from: before, to: after, "started_at")
        expectRFC3339(stats["finished_at"] as? String, from: before, to: after, "finished_at")
        #expect(stats["exit_status"] as? Int == 0)
        #expect(stats["pipeline"] as? String == "p.yaml")
        #expect(stats["version"] as? String == NNPipeVersionForTests.current)
        #expect((stats["started_at"] as? String)?.hasSuffix("Z") == true)
        #expect(stats["rows_read"] as? Int == 2)
        let metrics = try Self.parsed(dir, "m.prom")
        #expect(metrics.contains("nnpipe_last_run_exit_status{pipeline=p.yaml} 0"), "\(metrics)")
        #expect(metrics.contains("nnpipe_rows{kind=read,pipeline=p.yaml} 2"), "\(metrics)")
        #expect(metrics.contains("nnpipe_rows{kind=written,pipeline=p.yaml} 2"), "\(metrics)")
        // From the file itself: the parsed figures above are printed with 6 digits.
        let finished = try dir.text("m.prom").split(separator: "\n").first { $0.hasPrefix("nnpipe_last_run_timestamp_seconds{") }
        let seconds = finished.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(seconds >= before.timeIntervalSince1970 - 0.001 && seconds <= after.timeIntervalSince1970 + 0.001, "\(finished ?? "none")")
        #expect(metrics.contains { $0.hasPrefix("nnpipe_last_run_duration_seconds{pipeline=p.yaml} ") })

        try dir.write("in.csv", "id,x1,x2\na,1,2\nb,x,4\n")
        let bad = try dir.nnpipe("run", "p.yaml", "-q", "--stats-json", "s.json", "--metrics-textfile", "m.prom")
        #expect(bad.status == 65)
        stats = try Self.stats(dir)
        #expect(stats["exit_status"] as? Int == 65)
        #expect((stats["error"] as? String)?.contains("line 3") == true, "\(stats)")
        #expect(try Self.parsed(dir, "m.prom").contains("nnpipe_last_run_exit_status{pipeline=p.yaml} 65"))

        try dir.write("broken.yaml", "stages: [\n")
        let broken = try dir.nnpipe("run", "broken.yaml", "--stats-json", "s.json", "--metrics-textfile", "m.prom")
        #expect(broken.status == 78)
        stats = try Self.stats(dir)
        #expect(stats["exit_status"] as? Int == 78)
        #expect(stats["succeeded"] as? Bool == false)
        #expect(stats["pipeline"] as? String == "broken.yaml")
        #expect(try Self.parsed(dir, "m.prom").contains("nnpipe_last_run_exit_status{pipeline=broken.yaml} 78"))

        // An output that is the input: a command-line mistake (64), found once the paths are known.
        let clash = try dir.nnpipe("run", "p.yaml", "-o", "in.csv", "--stats-json", "s.json", "--metrics-textfile", "m.prom")
        #expect(clash.status == 64, "\(clash.stderr)")
        #expect(try Self.stats(dir)["exit_status"] as? Int == 64)
        #expect(try Self.parsed(dir, "m.prom").contains("nnpipe_last_run_exit_status{pipeline=p.yaml} 64"))
        #expect(try dir.text("in.csv") == "id,x1,x2\na,1,2\nb,x,4\n")
    }

    @Test("a monitoring path that is a file the run cannot tell apart from data is never written", .bounded(minutes: 5))
    func neverOverData() throws {
        let dir = try WorkDir()
        try dir.write("broken.yaml", "stages: [\n")
        try dir.write("data.csv", "id,x1\na,1\n")
        let result = try dir.nnpipe("run", "broken.yaml", "--stats-json", "data.csv", "--metrics-textfile", "data.csv")
        #expect(result.status == 78)
        #expect(try dir.text("data.csv") == "id,x1\na,1\n")
    }
}

/// nnpipe's version as `nnpipe --version` prints it, read from the source.
enum NNPipeVersionForTests {
    static let current: String = {
        let text = (try? String(contentsOf: CLI.repoRoot.appendingPathComponent("Sources/NNPipe/NNPipeVersion.swift"), encoding: .utf8)) ?? ""
        return text.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
    }()
}
