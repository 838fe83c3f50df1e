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

            Reads npz, npy, safetensors, ONNX and nnpipe's JSON models (told
            apart by their first bytes). Lists every tensor with its stored
            type and shape, then the dense layers: inputs→units, the
            activation (or "from the pipeline" for npz and safetensors, which
            hold none), and the tensors used, transposed or not. Exits 78
            with the problem when the file cannot be used.
            """
    )

    @Argument(help: "The model file.")
    var model: String

    func run() throws {
        do {
            let file = try ModelFile.load(path: model)
            for line in ModelFileDescription.tensorLines(file) { print(line) }
            let layers = try file.layers()
            for line in ModelFileDescription.layerLines(layers) { print(line) }
        } catch {
            throw Terminal.exitCode(for: error)
        }
    }
}
