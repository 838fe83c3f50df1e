import ArgumentParser
import Foundation
import Logging
import NNPipe

@main
struct NNPipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnpipe",
        abstract: "Run a trained dense neural network over large CSV files, streaming, in parallel.",
        discussion: """
            A pipeline file (YAML) says what to read, which model to run and
            where to write:
              nnpipe run pipelines/seed.yaml
              nnpipe test pipelines/seed.yaml
              zcat x.csv.gz | nnpipe run p.yaml --input - --output - | head

            Exit statuses:
              0    success
              1    nnpipe test: a test failed
              64   usage: a bad command-line option, or an option's path
                   that is another path of the run (an input, say)
              65   bad data: a bad row under the fail policy, max_errors
                   or max_error_rate exceeded, fewer rows than --min-rows,
                   corrupt or truncated gzip or zstd, a bad header
              66   the input is missing or unreadable
              70   nnpipe failed internally (memory under ulimit -v)
              71   a thread or enough open files could not be had
              73   the output cannot be created
              74   I/O error while reading or writing
              75   another nnpipe is writing the same output (--wait-lock)
              78   the pipeline file or a model file is wrong, or two of
                   its paths are the same file
              128+N  stopped by signal N (130 SIGINT, 143 SIGTERM, 129
                   SIGHUP...): unfinished outputs kept for --resume or
                   removed, as the message says
              141  the reader of standard output went away (| head)
            """,
        version: NNPipeVersion.current,
        subcommands: [RunCommand.self, ValidateCommand.self, TestCommand.self, InspectCommand.self]
    )

    /// Parses and runs the command; a command-line mistake is one `nnpipe: ` line on standard
    /// error and status 64, as nnpipe's other errors read (not the parser's `Error:` and usage),
    /// through the same logger: with `--log-format json`, one JSON record with `exit_status`.
    static func main() {
        // A write past the file-size limit (`ulimit -f`) then fails with EFBIG, reported (74) and
        // cleaned up like any failed write, instead of SIGXFSZ killing the process mid-write
        // with its temporary files left behind and no message.
        signal(SIGXFSZ, SIG_IGN)
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let code = exitCode(for: error)
            let text = message(for: error)
            guard code != .success, !text.isEmpty else { exit(withError: error) }
            reportUsageError(text, status: code.rawValue, arguments: Array(CommandLine.arguments.dropFirst()))
            Foundation.exit(code.rawValue)
        }
        do {
            var command = command
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// Logs a usage error. The command line did not parse, so the logging options are read from
    /// the words themselves: `--log-format json` (or `=json`) and `--log-timestamps`, before `--`.
    static func reportUsageError(_ text: String, status: Int32, arguments: [String]) {
        let words = arguments.prefix { $0 != "--" }
        let asksJSON = words.enumerated().contains { index, word in
            word == "--log-format=json" || (word == "--log-format" && words.dropFirst(index + 1).first == "json")
        }
        let format = asksJSON ? LogFormat.json : .text
        let timestamps = words.contains("--log-timestamps")
        Terminal.format = format
        Terminal.bootstrapped = true
        LoggingSystem.bootstrap { _ in LogRecordHandler(format: format, logLevel: .notice, timestamps: timestamps) }
        let lines = text.split(separator: "\n").map(String.init) + ["see nnpipe --help, or nnpipe COMMAND --help"]
        let metadata: Logger.Metadata = ["exit_status": .stringConvertible(Int(status))]
        switch format {
        case .text: for line in lines { Terminal.message(line, level: .error, metadata: metadata) }
        case .json: Terminal.message(lines.joined(separator: "; "), level: .error, metadata: metadata)
        }
    }
}
