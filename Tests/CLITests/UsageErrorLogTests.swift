import Foundation
import Testing

/// A command line that does not parse is logged like any other error: one JSON record under
/// `--log-format json` (read from the words, since they did not parse), else `nnpipe: ` lines.
@Suite("Usage errors in the log's format")
struct UsageErrorLogTests {
    @Test("a usage error under --log-format json is one JSON record with exit_status 64",
          arguments: [["--log-format", "json"], ["--log-format=json"]])
    func usageErrorJSON(_ format: [String]) throws {
        let dir = try WorkDir()
        let result = try CLI.run(["run", "p.yaml", "--workers", "0"] + format, in: dir.url)
        #expect(result.status == 64)
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any])
        #expect(record["level"] as? String == "error")
        #expect((record["message"] as? String)?.hasPrefix("--workers must be auto or between 1 and 1024") == true, "\(result.stderr)")
        #expect((record["metadata"] as? [String: Any])?["exit_status"] as? Int == 64)
        #expect(record["timestamp"] is String)
    }

    @Test("a usage error in text (also when --log-format itself is wrong) reads nnpipe: MESSAGE")
    func usageErrorText() throws {
        let dir = try WorkDir()
        for extra in [[], ["--log-format", "xml"]] {
            let result = try CLI.run(["run", "p.yaml", "--workers", "0"] + extra, in: dir.url)
            #expect(result.status == 64)
            #expect(result.stderrLines.allSatisfy { $0.hasPrefix("nnpipe: ") }, "\(result.stderr)")
            #expect(result.stderrLines.last == "nnpipe: see nnpipe --help, or nnpipe COMMAND --help", "\(result.stderr)")
        }
    }
}
