import Testing
@testable import NNPipe

/// Keras names a layer's weights group in `model.weights.h5` after its class in snake case;
/// the expected names are what Keras 3.15's `keras.src.utils.naming.to_snake_case` returns.
@Suite("Keras config: weights group names")
struct KerasConfigTests {
    @Test("class names in snake case as Keras writes them", arguments: [
        ("Dense", "dense"), ("LeakyReLU", "leaky_re_lu"), ("ReLU", "re_lu"), ("PReLU", "p_re_lu"),
        ("BatchNormalization", "batch_normalization"), ("InputLayer", "input_layer"), ("Conv1D", "conv1d"),
        ("GRU", "gru"), ("LSTM", "lstm"), ("UnitNormalization", "unit_normalization"), ("ELU", "elu"), ("TFSMLayer", "tfsm_layer"),
    ])
    func snakeCase(_ name: String, _ expected: String) {
        #expect(KerasConfig.snakeCase(name) == expected)
    }

    @Test("a Sequential model's groups leave out its InputLayer and number repeated classes from the second on")
    func groups() throws {
        let json = #"{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {"name": "in"}}, {"class_name": "Dense", "config": {"name": "a"}}, {"class_name": "LeakyReLU", "config": {"name": "b"}}, {"class_name": "Dense", "config": {"name": "c"}}, {"class_name": "Dense", "config": {"name": "d"}}]}}"#
        let config = try KerasConfig(JSONValue.parse(Array(json.utf8)))
        #expect(config.layers.map(\.weightsGroup) == ["", "layers/dense/vars", "layers/leaky_re_lu/vars", "layers/dense_1/vars", "layers/dense_2/vars"])
    }

    @Test("a Functional layer that does not take the layer before it is refused")
    func branch() throws {
        func layer(_ name: String, _ from: [String]) -> String {
            let inputs = from.map { #"{"config": {"keras_history": ["\#($0)", 0, 0]}}"# }.joined(separator: ", ")
            return #"{"class_name": "Dense", "name": "\#(name)", "config": {"name": "\#(name)"}, "inbound_nodes": [{"args": [\#(inputs)]}]}"#
        }
        let json = #"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "x", "config": {}, "inbound_nodes": []}, "#
            + layer("a", ["x"]) + ", " + layer("b", ["x"]) + "]}}"
        #expect(throws: ModelError.self) { try KerasConfig(JSONValue.parse(Array(json.utf8))) }
        do {
            _ = try KerasConfig(JSONValue.parse(Array(json.utf8)))
        } catch let error as ModelError {
            #expect(error.problem == "Keras layer 'b' (Dense) takes 'x' instead of the output of 'a' before it; nnpipe reads Functional models whose layers form one chain, in the order config.json lists them")
        }
    }
}
