import Foundation

/// The lines a refusal to order layers prints: the layers found, and a `tensors:` block for the
/// forward stage, ready to paste and put in the order of the model's `forward()`.
enum TensorsBlock {
    /// One line per layer: its name, the stored shape of its weights, inputs→units and its bias.
    static func listing(_ layers: [FileLayer], tensors: [String: Tensor]) -> [String] {
        let names = layers.map { $0.name ?? $0.weightsTensor ?? "?" }
        let stored = layers.map { layer in layer.weightsTensor.flatMap { tensors[$0] }.map { "\($0.name) \($0.shapeText)" } ?? "?" }
        let nameWidth = names.map(\.count).max() ?? 0, storedWidth = stored.map(\.count).max() ?? 0
        return layers.indices.map { index in
            let layer = layers[index]
            let bias = layer.biasTensor.map { "bias \($0)" } ?? "no bias"
            return "  \(pad(names[index], nameWidth))  weights \(pad(stored[index], storedWidth))  \(layer.inputs)→\(layer.units)  \(bias)"
        }
    }

    /// `tensors:` and one `- {weights: …, bias: …, transpose: …}` line per layer, in the order given.
    static func yaml(_ layers: [FileLayer]) -> [String] {
        ["tensors:"] + layers.map { layer in
            var entry = "  - {weights: \(quoted(layer.weightsTensor ?? layer.name ?? "?"))"
            if let bias = layer.biasTensor { entry += ", bias: \(quoted(bias))" }
            return entry + ", transpose: \(layer.transposed)}"
        }
    }

    /// `name` as a YAML flow scalar: plain when it is a safe name (`fc1.weight`), else double-quoted.
    static func quoted(_ name: String) -> String {
        let safe = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-/".unicodeScalars.contains($0)) }
        let special = ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(name.lowercased())
        if safe, let first = name.unicodeScalars.first, first != "-", first != ".", !special, Double(name) == nil {
            return name
        }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
