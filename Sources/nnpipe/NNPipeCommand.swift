import ArgumentParser

@main
struct NNPipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnpipe",
        abstract: "Run a trained dense neural network over large CSV files, streaming, in parallel.",
        discussion: """
            A pipeline file (YAML) says what to read, which model to run and where to write:
              nnpipe run pipelines/seed.yaml
              zcat samples.csv.gz | nnpipe run pipelines/seed.yaml --input - --output - | head

            Exit statuses:
              0 success · 64 usage · 65 bad data (a bad row under the fail policy, max_errors
              exceeded, corrupt or truncated gzip) · 66 input missing or unreadable ·
              73 output cannot be created · 74 I/O error · 78 bad pipeline or model file ·
              130 interrupted (SIGINT) · 141 output pipe closed · 143 terminated (SIGTERM)
            """,
        subcommands: [RunCommand.self, ValidateCommand.self]
    )
}
