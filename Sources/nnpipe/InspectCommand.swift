import ArgumentParser
import NNPipe

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model file's format, tensors and the layers nnpipe builds from it.",
        discussion: """
            Examples:
              nnpipe inspect sample-data/sensor-model.npz
              nnpipe inspect model.onnx
              nnpipe inspect model.onnx --json

            Reads npz, npy, safetensors, ONNX, Keras 3 and nnpipe's JSON
            models (told apart by their first bytes). Lists every tensor with its stored
            type and shape, then the dense layers: inputs→units, the
            activation (or "from the pipeline" for npz and safetensors, which
            hold none), the tensors used, transposed or not (tensors no layer
            uses are marked unused; a batch norm folded in is named), and how
            their order was decided: the ONNX graph, the JSON file, the
            numbers in the names (fc1, fc2, …) or the only chain of shapes.
            Exits 78 with the problem when the file cannot be used, or when
            neither names nor shapes tell the order (the message then gives
            a tensors: block for the pipeline). --json prints the same as one
            JSON object (file, format, tensors, outputs, input_steps, layers,
            order; layers and order null when no layers can be built).
            """
    )

    @Argument(help: "The model file.", completion: .file())
    var model: String

    @Option(help: "The output to run, for an ONNX graph with several (the forward stage's output:).")
    var output: String?

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func run() throws {
        do {
            let file = try ModelFile.load(path: model, output: output)
            // The tensors are listed even when no layers can be built from them.
            // inspect lists names and shapes, which a batch or layer norm's eps does not change (a run needs
            // batch_norm_eps or layer_norm_eps).
            let found = Result { () throws(ModelError) in try file.orderedLayers(batchNormEpsilon: 1e-5, layerNormEpsilon: 1e-5) }
            if json {
                Terminal.output(ValidateReport.line(InspectReport.object(file, found: try? found.get())))
                _ = try found.get()
                return
            }
            for line in ModelFileDescription.tensorLines(file, layers: try? found.get().layers) { print(line) }
            for line in ModelFileDescription.stepLines(file) { print(line) }
            for line in ModelFileDescription.layerLines(try found.get()) { print(line) }
        } catch {
            throw Terminal.exitCode(for: error)
        }
    }
}
