import Foundation
import ArgumentParser
import NNPipe

/// The options that make a pipeline without a file: `--model`, `--features`, `--carry`, ….
struct CommandLinePipelineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run this model file (npz, safetensors, ONNX, Keras, JSON) with no pipeline file; needs --features.", valueName: "file"), completion: .file())
    var model: String?

    @Option(help: ArgumentHelp("One activation per layer, for npz and safetensors models: relu,softmax.", valueName: "list"))
    var activations: String?

    @Option(help: ArgumentHelp("The model's input columns, in order: x1,x2 (0-based indices with --no-header).", valueName: "list"))
    var features: String?

    @Option(help: ArgumentHelp("Columns copied to the output: id,name, or '*' for every column that is not a feature.", valueName: "list"))
    var carry: String?

    @Flag(name: .customLong("no-header"), help: "The input has no header: columns are 0-based indices.")
    var noHeader = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The input's delimiter: one ASCII character, or \\t for tab (default ,).", valueName: "char"))
    var delimiter: String?

    func validate() throws {
        if model == nil {
            let given = [("--activations", activations != nil), ("--features", features != nil), ("--carry", carry != nil),
                         ("--no-header", noHeader), ("--delimiter", delimiter != nil)].filter(\.1).map(\.0)
            if !given.isEmpty { throw ValidationError("\(given.joined(separator: ", ")) go\(given.count == 1 ? "es" : "") with --model, for a pipeline without a file; with a pipeline file use --set read.KEY=VALUE") }
        } else if features == nil {
            throw ValidationError("--model needs --features: the model's input columns, in order")
        }
    }

    /// The pipeline these options give, or nil without `--model`.
    var pipeline: CommandLinePipeline? {
        guard let model, let features else { return nil }
        return CommandLinePipeline(model: model, activations: activations.map(Self.list), features: Self.list(features),
                                   carry: carry.map(Self.list) ?? [], header: !noHeader, delimiter: delimiter)
    }

    /// `a,b,c` as its items, each without the spaces around it (`--features "age, tenure"`); a
    /// comma inside parentheses belongs to its item (`--activations 'hardtanh(-2, 2),relu'`).
    static func list(_ text: String) -> [String] {
        var items: [String] = []
        var item = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case "," where depth == 0:
                items.append(item)
                item = ""
                continue
            default: break
            }
            item.append(character)
        }
        items.append(item)
        return items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
