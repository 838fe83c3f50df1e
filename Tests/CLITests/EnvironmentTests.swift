import Foundation
import Testing

/// One pipeline value with an expansion that must fail: the words the message must hold.
struct ExpansionErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The `path:` value of the read stage (line 3, column 11 of the pipeline).
    var value: String
    var expected: [String]
    var environment: [String: String] = [:]
    var testDescription: String { name }
}

let expansionErrorCases: [ExpansionErrorCase] = [
    ExpansionErrorCase(name: "unset, no default", value: "${NNT_UNSET}/in.csv",
                       expected: ["environment variable NNT_UNSET is not set"]),
    ExpansionErrorCase(name: ":? on an unset variable gives its message", value: "${NNT_UNSET:?set it to the data folder}",
                       expected: ["environment variable NNT_UNSET is not set: set it to the data folder"]),
    ExpansionErrorCase(name: ":? on an empty variable", value: "${NNT_EMPTY:?give the day}",
                       expected: ["environment variable NNT_EMPTY is empty: give the day"], environment: ["NNT_EMPTY": ""]),
    ExpansionErrorCase(name: ":? without a message", value: "\"${NNT_UNSET:?}\"",
                       expected: ["environment variable NNT_UNSET is not set"]),
    ExpansionErrorCase(name: "? on an unset variable", value: "${NNT_UNSET?needed}",
                       expected: ["environment variable NNT_UNSET is not set: needed"]),
    ExpansionErrorCase(name: "unset inside a default", value: "${NNT_UNSET:-${NNT_ALSO_UNSET}}",
                       expected: ["environment variable NNT_ALSO_UNSET is not set"]),
    ExpansionErrorCase(name: "no closing brace", value: "\"${NNT_DIR/in.csv\"",
                       expected: ["'${' without its closing '}'"]),
    ExpansionErrorCase(name: "no name", value: "\"${}/in.csv\"",
                       expected: ["'${' must be followed by a variable name"]),
    ExpansionErrorCase(name: "a name starting with a digit", value: "\"${1DIR}/in.csv\"",
                       expected: ["'${' must be followed by a variable name"]),
    ExpansionErrorCase(name: "an operator the shell has but nnpipe does not", value: "\"${NNT_DIR:+x}\"",
                       expected: ["'${NNT_DIR:+…' is not an expansion", "${NNT_DIR:-default}"]),
    ExpansionErrorCase(name: "a bare $NAME", value: "$HOME/in.csv",
                       expected: ["a '$' must start ${NAME} (write $$ for a literal '$')"]),
]

@Suite("Environment variables in pipeline values")
struct EnvironmentTests {
    @Test("${NAME}, :-, -, :?, ?, nested defaults and $$ expand in paths, columns and numbers")
    func everyForm() throws {
        let dir = try WorkDir()
        try dir.write("data/in.csv", "id,x1,x2\na,1,2\nb,3,4\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read:
                  path: ${NNT_DIR}/in.csv
                  features: ["${NNT_FIRST:-x1}", "${NNT_SECOND-x9}"]
                  carry: ["${NNT_UNSET:-${NNT_EMPTY:-id}}"]
              - forward:
                  model: ${NNT_MODEL:?set NNT_MODEL}
              - write:
                  path: ${NNT_OUT?}/out-$$NNT_DIR.csv
                  columns: ["${NNT_ODD}", "y${NNT_EMPTY-1}${NNT_UNSET-2}"]
            execution:
              chunk_rows: ${NNT_ROWS:-1}
              workers: "${NNT_WORKERS:-auto}"
            """)
        let environment = ["NNT_DIR": "data", "NNT_FIRST": "", "NNT_SECOND": "x2", "NNT_EMPTY": "",
                           "NNT_MODEL": "m.json", "NNT_OUT": "out", "NNT_ODD": "we: \"odd\", #name"]
        let result = try dir.nnpipe("run", "p.yaml", environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        // `$$NNT_DIR` is the literal text `$NNT_DIR`; x1 + 2·x2 and x1 through the sum model.
        #expect(try dir.text("out/out-$NNT_DIR.csv") == "id,\"we: \"\"odd\"\", #name\",y2\na,5.0,1.0\nb,11.0,3.0\n")
    }

    @Test("an integer from a variable is checked like one written in the file")
    func typedValue() throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.writeSumPipeline(input: "in.csv", output: "out.csv", execution: "execution:\n  chunk_rows: ${NNT_ROWS}")
        let result = try dir.nnpipe("validate", "p.yaml", environment: ["NNT_ROWS": "many"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("execution.chunk_rows: expected an integer, found 'many'"), "\(result.stderr)")
    }

    @Test("a variable that cannot be expanded is a config error naming it, the line and the key", arguments: expansionErrorCases)
    func expansionError(_ c: ExpansionErrorCase) throws {
        let dir = try WorkDir()
        try dir.write("in.csv", "id,x1,x2\na,1,2\n")
        try dir.write("m.json", sumModel)
        try dir.write("p.yaml", """
            stages:
              - read:
                  path: \(c.value)
                  features: [x1, x2]
              - forward: {model: m.json}
              - write: {path: out.csv}
            """)
        for command in ["run", "validate"] {
            let result = try dir.nnpipe(command, "p.yaml", environment: c.environment)
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("nnpipe: p.yaml:3:13: stages[0].read.path: "), "\(command): \(result.stderr)")
            for words in c.expected {
                #expect(result.stderr.contains(words), "\(command): missing '\(words)' in: \(result.stderr)")
            }
            #expect(!dir.exists("out.csv"))
        }
    }
}
