/// Turns an ONNX graph into the dense layers (and input steps) that compute one of its outputs.
///
/// The output is the graph's only one, or the one the forward stage names with `output:`; only
/// the nodes that feed it matter, so a classifier's label branch, `ArgMax` and `ZipMap` are
/// ignored. Those nodes must be one chain from the graph's input (``OnnxChainBuilder`` lists
/// what it reads); any other operator is a problem naming it, its node and, where one exists,
/// the exporter option that avoids it.
enum OnnxGraphLayers {
    /// What an ONNX graph runs: input steps, then dense layers, and the initializers they read.
    struct Result {
        var steps: [InputStep]
        var layers: [FileLayer]
        var used: Set<String>
    }

    static func build(_ model: OnnxModel, constants: inout OnnxConstants, output chosen: String?) throws(ModelError) -> Result {
        let output = try chooseOutput(model, chosen: chosen)
        // The nodes that feed the output, in file order (which ONNX requires to be topological).
        var producer: [String: Int] = [:]
        for (index, node) in model.nodes.enumerated() {
            for name in node.outputs where !name.isEmpty { producer[name] = index }
        }
        var needed = Set<Int>()
        var stack = [output]
        var sources = Set<String>()
        while let name = stack.popLast() {
            guard let index = producer[name] else {
                if !constants.contains(name), !name.isEmpty { sources.insert(name) }
                continue
            }
            guard needed.insert(index).inserted else { continue }
            stack += model.nodes[index].inputs
        }
        let nodes = needed.sorted().map { model.nodes[$0] }
        let inputs = model.inputs.filter { sources.contains($0) }
        guard inputs.count == 1, let input = inputs.first, sources.count == 1 else {
            let names = sources.sorted().joined(separator: ", ")
            throw ModelError("output '\(output)' depends on \(sources.count) graph inputs (\(names.isEmpty ? "none" : names)) besides its weights; nnpipe runs graphs with one input")
        }
        var builder = OnnxChainBuilder(nodes: nodes, input: input, constants: constants,
                                       doubleGraph: model.inputTypes[input] == OnnxModel.doubleType)
        let result = try builder.build(output: output)
        constants = builder.constants
        return Result(steps: result.steps, layers: result.layers, used: builder.constants.used)
    }

    /// The output to run: `chosen`, or the only one; several without a choice are a problem
    /// that lists them.
    static func chooseOutput(_ model: OnnxModel, chosen: String?) throws(ModelError) -> String {
        let names = model.outputs.map { "'\($0)'" }.joined(separator: ", ")
        if let chosen {
            guard model.outputs.contains(chosen) else {
                throw ModelError("the ONNX graph has no output '\(chosen)'; its outputs are \(names)")
            }
            return chosen
        }
        guard model.outputs.count == 1, let only = model.outputs.first else {
            guard !model.outputs.isEmpty else { throw ModelError("the ONNX graph has no outputs") }
            let example = model.outputs.first { $0.lowercased().contains("prob") } ?? model.outputs[model.outputs.count - 1]
            throw ModelError("the ONNX graph has \(model.outputs.count) outputs (\(names)); name the one to run with output: in the forward stage (for example output: \(example); nnpipe inspect --output \(example))")
        }
        return only
    }
}
