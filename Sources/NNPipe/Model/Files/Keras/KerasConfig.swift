import Foundation

/// A Keras 3 model's architecture as `config.json` (in a `.keras` file, or `model.to_json()`)
/// describes it: its layers in order, each with its class, its config and the HDF5 group of its
/// weights in `model.weights.h5`.
///
/// nnpipe reads a `Sequential` model, or a `Functional` one whose layers form one chain (each
/// layer takes the one before it). Keras names a layer's weights group after its class, not its
/// name: `layers/` + the class in snake case (`LeakyReLU` → `leaky_re_lu`), numbered `_1`,
/// `_2`, … from the second of a class on, over `model.layers` (which for a `Sequential` model
/// leaves out the `InputLayer`); its variables are `vars/0`, `vars/1`, … in the order the layer
/// creates them (Keras' `saving_lib`).
struct KerasConfig {
    /// One layer of the chain.
    struct Layer {
        var className: String
        var name: String
        var config: [String: JSONValue]
        /// The HDF5 group of its variables (`layers/dense_1/vars`).
        var weightsGroup: String

        /// The config's value at `key`, or nil when absent or null.
        func value(_ key: String) -> JSONValue? {
            guard let value = config[key], value != .null else { return nil }
            return value
        }

        /// The number at `key`, or `fallback` when absent or null.
        func number(_ key: String, _ fallback: Double) throws(ModelError) -> Double {
            guard let value = value(key) else { return fallback }
            guard case .number(let number) = value else { throw problem("has \(key) \(value.kindName), not a number") }
            return number
        }

        /// A problem with this layer, naming it and its class.
        func problem(_ text: String) -> ModelError {
            ModelError("Keras layer '\(name)' (\(className)) \(text)")
        }
    }

    /// The model's class (`Sequential`, `Functional`).
    var modelClass: String
    var layers: [Layer]

    /// The layers of the model config `root` (config.json's whole document).
    init(_ root: JSONValue) throws(ModelError) {
        guard case .object(let top) = root, let className = Self.string(top, "class_name"),
              case .object(let config)? = top.first(where: { $0.key == "config" })?.value else {
            throw ModelError("config.json is not a Keras model config (an object with class_name and config)")
        }
        guard ["Sequential", "Functional", "Model"].contains(className) else {
            throw ModelError("the Keras model is a \(className) (a subclassed model, whose computation is Python code); nnpipe reads Sequential and Functional models, or export the model to ONNX")
        }
        guard case .array(let entries)? = config.first(where: { $0.key == "layers" })?.value else {
            throw ModelError("the Keras model config has no layers list")
        }
        modelClass = className
        var counters: [String: Int] = [:]
        var layers: [Layer] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let members) = entry, let layerClass = Self.string(members, "class_name"),
                  case .object(let layerConfig)? = members.first(where: { $0.key == "config" })?.value else {
                throw ModelError("Keras layer \(index) in config.json has no class_name and config")
            }
            let settings = Dictionary(layerConfig.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let name = Self.string(members, "name") ?? settings["name"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "\(index)"
            var group = ""
            // A Sequential model's `layers` leave out its InputLayer; a Functional model's keep it.
            if !(className == "Sequential" && layerClass == "InputLayer") {
                let base = Self.snakeCase(layerClass)
                let seen = counters[base]
                counters[base] = (seen ?? -1) + 1
                group = "layers/" + (seen.map { "\(base)_\($0 + 1)" } ?? base) + "/vars"
            }
            var layer = Layer(className: layerClass, name: name, config: settings, weightsGroup: group)
            if className != "Sequential" { try Self.checkChain(members, layer: &layer, previous: layers.last) }
            layers.append(layer)
        }
        self.layers = layers
    }

    /// Checks that a Functional model's `layer` takes exactly the output of `previous`.
    private static func checkChain(_ members: [(key: String, value: JSONValue)], layer: inout Layer, previous: Layer?) throws(ModelError) {
        guard case .array(let nodes)? = members.first(where: { $0.key == "inbound_nodes" })?.value else { return }
        var sources: [String] = []
        for node in nodes { collectHistory(node, into: &sources) }
        let expected = previous.map { [$0.name] } ?? []
        guard sources == expected else {
            let takes = sources.isEmpty ? "no layer's output" : sources.map { "'\($0)'" }.joined(separator: ", ")
            throw layer.problem("takes \(takes)\(previous.map { " instead of the output of '\($0.name)' before it" } ?? ""); nnpipe reads Functional models whose layers form one chain, in the order config.json lists them")
        }
    }

    /// The layer names of every `keras_history` under `value` (a Functional layer's inputs).
    private static func collectHistory(_ value: JSONValue, into names: inout [String]) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                if key == "keras_history", case .array(let history) = member, case .string(let name)? = history.first {
                    names.append(name)
                } else {
                    collectHistory(member, into: &names)
                }
            }
        case .array(let elements):
            for element in elements { collectHistory(element, into: &names) }
        default:
            break
        }
    }

    private static func string(_ members: [(key: String, value: JSONValue)], _ key: String) -> String? {
        guard case .string(let text)? = members.first(where: { $0.key == key })?.value else { return nil }
        return text
    }

    /// Keras' `naming.to_snake_case`: `BatchNormalization` → `batch_normalization`,
    /// `LeakyReLU` → `leaky_re_lu`, `ReLU` → `re_lu`.
    static func snakeCase(_ name: String) -> String {
        var text = name.filter { $0.isLetter || $0.isNumber || $0 == "_" }
        text = text.replacingOccurrences(of: "(.)([A-Z][a-z]+)", with: "$1_$2", options: .regularExpression)
        text = text.replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression)
        return text.lowercased()
    }
}
