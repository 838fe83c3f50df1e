import Testing

/// One compressed-input fixture (Tests/Fixtures/gzip or zstd, each written by its make.py) and
/// what nnpipe must do with it.
struct CompressedFixtureCase: CustomTestStringConvertible, Sendable {
    var file: String
    /// 0 with the rows of `in.csv`, or the failure's status and the words its message must hold.
    var status: Int32 = 0
    var words: [String] = []
    var testDescription: String { file }

    /// Checks one run over the fixture: the expected `rows` on standard output and nothing on
    /// standard error, or the failure's status and one line holding every word.
    func expect(_ result: CLIResult, _ what: String, rows: String) {
        #expect(result.status == status, "\(what): \(result.stderr)")
        if status == 0 {
            #expect(result.stdoutText == rows, "\(what)")
            #expect(result.stderr.isEmpty, "\(what): \(result.stderr)")
        } else {
            #expect(result.stderrLines.count == 1, "\(what): \(result.stderr)")
            for word in words {
                #expect(result.stderr.contains(word), "\(what): missing '\(word)' in \(result.stderr)")
            }
        }
    }
}
