import Testing
@testable import NNPipe

/// The two rules that order a file's layers without guessing: numbers in otherwise equal names,
/// and the only chain of shapes.
@Suite("Layer order: numbered names and shape chains")
struct LayerOrderRuleTests {
    /// Names and the order their numbers give (nil: no order).
    static let numbering: [(names: [String], order: [String]?)] = [
        (["fc1", "fc2", "fc3"], ["fc1", "fc2", "fc3"]),
        (["fc10", "fc2", "fc1"], ["fc1", "fc2", "fc10"]),
        (["net.4", "net.0", "net.2"], ["net.0", "net.2", "net.4"]),
        (["layers.10", "layers.2", "layers.1"], ["layers.1", "layers.2", "layers.10"]),
        (["0", "2", "4"], ["0", "2", "4"]),
        (["blocks.1.fc1", "blocks.0.fc2", "blocks.0.fc1", "blocks.1.fc2"], ["blocks.0.fc1", "blocks.0.fc2", "blocks.1.fc1", "blocks.1.fc2"]),
        (["blocks.10.fc1", "blocks.9.fc2"], ["blocks.9.fc2", "blocks.10.fc1"]),
        (["encoder.0", "decoder.0"], nil),
        (["fc1", "fc2", "out"], nil),
        (["input_layer", "hidden", "output"], nil),
        (["fc1", "fc01"], nil),
        (["fc1", "fc1x"], nil),
        (["fc1"], nil),
        (["layer1", "layer99999999999999999999"], nil),
    ]

    @Test("the names give an order only when they differ in nothing but their numbers", arguments: 0..<numbering.count)
    func numbered(_ index: Int) {
        let (names, expected) = Self.numbering[index]
        let order = LayerNumbering.order(names)?.map { names[$0] }
        #expect(order == expected, "\(names)")
    }

    @Test("a name's skeleton replaces each run of digits with #")
    func skeleton() {
        #expect(LayerNumbering.key("blocks.12.fc3")! == ("blocks.#.fc#", [12, 3]))
        #expect(LayerNumbering.key("hidden")! == ("hidden", []))
        #expect(LayerNumbering.key("0")! == ("#", [0]))
    }

    @Test("shapes chain in none, one or several orders")
    func chains() {
        // encoder 4→8, decoder 8→3, head 3→2, in file (name) order decoder, encoder, head.
        #expect(ShapeChain.chains([(8, 3), (4, 8), (3, 2)]) == .unique([1, 0, 2]))
        // Two square layers swap.
        #expect(ShapeChain.chains([(64, 64), (64, 64), (64, 10)]) == .ambiguous)
        // 4→6, 6→6, 6→6: the last two swap.
        #expect(ShapeChain.chains([(4, 6), (6, 6), (6, 6)]) == .ambiguous)
        // 2→3, 3→2 chain either way round.
        #expect(ShapeChain.chains([(2, 3), (3, 2)]) == .ambiguous)
        #expect(ShapeChain.chains([(4, 8), (7, 3)]) == .none)
        #expect(ShapeChain.chains([(5, 5)]) == .unique([0]))
        #expect(ShapeChain.chains([]) == .none)
        #expect(ShapeChain.chains(Array(repeating: (1, 1), count: 17)) == .tooMany)
    }

    @Test("a long unique chain is found and walked back in order, at the 16-layer limit")
    func longChain() {
        // Layer k maps k+1 → k+2, listed backwards.
        let shapes = (0..<16).reversed().map { (inputs: $0 + 1, units: $0 + 2) }
        #expect(ShapeChain.chains(shapes) == .unique(Array((0..<16).reversed())))
        var square = shapes
        square.append((inputs: 17, units: 17))
        #expect(ShapeChain.chains(square) == .tooMany)
        // 16 layers with one square pair: ambiguous, counted without overflow.
        var pair = (0..<14).map { (inputs: $0 + 1, units: $0 + 2) }
        pair += [(inputs: 15, units: 15), (inputs: 15, units: 15)]
        #expect(ShapeChain.chains(pair) == .ambiguous)
    }

    @Test("tensor names that need it are quoted in the tensors: block")
    func quoting() {
        #expect(TensorsBlock.quoted("fc1.weight") == "fc1.weight")
        #expect(TensorsBlock.quoted("0.weight") == "0.weight")
        #expect(TensorsBlock.quoted("a b: c") == "\"a b: c\"")
        #expect(TensorsBlock.quoted("true") == "\"true\"")
        #expect(TensorsBlock.quoted("1.5") == "\"1.5\"")
        #expect(TensorsBlock.quoted("say \"hi\"") == "\"say \\\"hi\\\"\"")
    }
}
