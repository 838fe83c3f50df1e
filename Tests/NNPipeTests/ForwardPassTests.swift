import Foundation
import Testing
@testable import NNPipe

@Suite("Dense layers and activations")
struct ForwardPassTests {
    /// The reference: one output at a time, summed over inputs in order, bias last.
    func naive(_ x: [Double], rows: Int, _ layer: DenseLayer) -> [Double] {
        var y = [Double](repeating: 0, count: rows * layer.units)
        for r in 0..<rows {
            for u in 0..<layer.units {
                var sum = 0.0
                for i in 0..<layer.inputs { sum += x[r * layer.inputs + i] * layer.weights[i * layer.units + u] }
                y[r * layer.units + u] = sum + layer.bias[u]
            }
            y.withUnsafeMutableBufferPointer { layer.layerNorm?.apply($0.baseAddress! + r * layer.units, count: layer.units) }
            y.withUnsafeMutableBufferPointer { layer.activation.apply($0.baseAddress! + r * layer.units, count: layer.units) }
        }
        return y
    }

    @Test("the register-tiled kernel equals the naive sum bit for bit", arguments: [(1, 1, 1), (7, 3, 5), (13, 32, 64), (4, 256, 10)])
    func tiledEqualsNaive(rows: Int, inputs: Int, units: Int) {
        var rng = FuzzTests.generator("tiledEqualsNaive")
        let w = (0..<inputs * units).map { _ in Double.random(in: -1...1, using: &rng) }
        let x = (0..<rows * inputs).map { _ in Double.random(in: -3...3, using: &rng) }
        var y = [Double](repeating: .nan, count: rows * units)
        x.withUnsafeBufferPointer { xs in
            w.withUnsafeBufferPointer { ws in
                y.withUnsafeMutableBufferPointer {
                    DenseLayer.matmul(xs.baseAddress!, rows: rows, inputs: inputs, weights: ws.baseAddress!, units: units, into: $0.baseAddress!)
                }
            }
        }
        let zeroBias = DenseLayer(inputs: inputs, units: units, weights: w, bias: [Double](repeating: 0, count: units), activation: .identity)
        let reference = naive(x, rows: rows, zeroBias)
        let mismatches = zip(y, reference).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(mismatches == 0, "\(rows)×\(inputs)→\(units)")
    }

    @Test("layers match the naive reference for every activation, with and without a layer norm",
          arguments: [(1, 1, 1), (7, 3, 5), (13, 32, 64), (4, 256, 10)])
    func layerEqualsNaive(rows: Int, inputs: Int, units: Int) {
        var rng = FuzzTests.generator("layerEqualsNaive")
        let norm = LayerNorm(epsilon: 1e-5, gain: (0..<units).map { _ in Double.random(in: 0.5...2, using: &rng) },
                             bias: (0..<units).map { _ in Double.random(in: -1...1, using: &rng) }, source: "test")
        let slopes = Activation.prelu(slopes: (0..<units).map { _ in Double.random(in: -0.5...0.5, using: &rng) })
        // The pointwise activations too: a layer without a layer norm applies an elementwise one to
        // its whole block at once, and this compares that with the reference's row by row.
        let pointwise: [Activation] = [.softplusExact, .exponential, .hardtanh(low: -1, high: 1), .hardsigmoid, .hardswish, .mish,
                                       .selu, .celu(alpha: 0.7), .softsign, .logSigmoid, .prelu(slopes: [])]
        let variants = (ActivationTests.all + pointwise + [slopes]).flatMap { activation in [(activation, LayerNorm?.none), (activation, norm)] }
        for (activation, layerNorm) in variants {
            let layer = DenseLayer(inputs: inputs, units: units,
                                   weights: (0..<inputs * units).map { _ in Double.random(in: -1...1, using: &rng) },
                                   bias: (0..<units).map { _ in Double.random(in: -1...1, using: &rng) }, activation: activation,
                                   layerNorm: layerNorm)
            let x = (0..<rows * inputs).map { _ in Double.random(in: -3...3, using: &rng) }
            var y = [Double](repeating: .nan, count: rows * units)
            x.withUnsafeBufferPointer { xs in y.withUnsafeMutableBufferPointer { layer.forward(xs.baseAddress!, rows: rows, into: $0.baseAddress!) } }
            let reference = naive(x, rows: rows, layer)
            // Bit for bit on nnpipe's own kernel; OpenBLAS (wide layers) sums in its own order.
            let tolerance = MatrixMultiply.usesBLAS && inputs * units >= MatrixMultiply.blasThreshold ? 1e-12 : 0
            let mismatches = zip(y, reference).filter { abs($0 - $1) > tolerance * max(1, abs($1)) }.count
            #expect(mismatches == 0, "\(activation) \(layerNorm == nil ? "" : "layer norm ")\(rows)×\(inputs)→\(units)")
        }
    }

    @Test("float32 layers: the sum, the layer norm and the activation each rounded to float32, whole block or row by row alike",
          arguments: [(1, 3, 2), (9, 5, 4), (6, 12, 11)])  // below blasThreshold: nnpipe's own kernel, exact
    func float32LayerEqualsNaive(rows: Int, inputs: Int, units: Int) {
        var rng = FuzzTests.generator("float32LayerEqualsNaive")
        let norm = LayerNorm(epsilon: 1e-5, gain: (0..<units).map { _ in Double.random(in: 0.5...2, using: &rng) },
                             bias: (0..<units).map { _ in Double.random(in: -1...1, using: &rng) }, source: "test")
        for activation in ActivationTests.all + [.mish, .logSigmoid] {
            for layerNorm in [nil, norm] {
                let layer = DenseLayer(inputs: inputs, units: units,
                                       weights: (0..<inputs * units).map { _ in Double(Float(Double.random(in: -1...1, using: &rng))) },
                                       bias: (0..<units).map { _ in Double(Float(Double.random(in: -1...1, using: &rng))) },
                                       activation: activation, roundsToFloat32: true, layerNorm: layerNorm)
                let x = (0..<rows * inputs).map { _ in Double(Float(Double.random(in: -3...3, using: &rng))) }
                var y = [Double](repeating: .nan, count: rows * units)
                x.withUnsafeBufferPointer { xs in y.withUnsafeMutableBufferPointer { layer.forward(xs.baseAddress!, rows: rows, into: $0.baseAddress!) } }
                var reference = naive(x, rows: rows, DenseLayer(inputs: inputs, units: units, weights: layer.weights, bias: layer.bias,
                                                               activation: .identity))
                let f32 = { (v: Double) in Double(Float(v)) }
                reference.withUnsafeMutableBufferPointer { all in
                    for r in 0..<rows {
                        let row = all.baseAddress! + r * units
                        for u in 0..<units { row[u] = f32(row[u]) }
                        if let layerNorm {
                            layerNorm.apply(row, count: units)
                            for u in 0..<units { row[u] = f32(row[u]) }
                        }
                        activation.apply(row, count: units)
                        for u in 0..<units { row[u] = f32(row[u]) }
                    }
                }
                let mismatches = zip(y, reference).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(mismatches == 0, "\(activation) \(layerNorm == nil ? "" : "layer norm ")\(rows)×\(inputs)→\(units)")
            }
        }
    }

    /// The row and numpy's output for it come from pipelines/seed.yaml's `tests:` section, which
    /// scripts/make_pipeline_tests.py writes.
    @Test("the seed network on its own row gives numpy's output to the last bit")
    func seed() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let network = try ModelFile.loadNetwork(path: root.appendingPathComponent("sample-data/seed-model.json").path,
                                                activations: nil, mapping: nil, output: nil).network
        let golden = try #require(try PipelineLoader.load(path: root.appendingPathComponent("pipelines/seed.yaml").path).tests.first)
        let row = try #require(golden.rows.first)
        let expected = try #require(golden.expect.first).map { value -> Double? in
            if case .number(let number) = value { return number } else { return nil }
        }
        var scratch = ForwardScratch()
        var output = [Double](repeating: .nan, count: expected.count)
        row.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { network.forward(x.baseAddress!, rows: 1, into: $0.baseAddress!, scratch: &scratch) }
        }
        #expect(row == [200, 17])
        #expect(output.map(\.bitPattern) == expected.map { $0?.bitPattern }, "\(output) vs numpy \(expected)")
    }

    /// Issue 14: the scratch buffers once took 256 rows of the widest layer, however few rows a
    /// chunk had and even when only the last layer was wide (6 KiB per unit with OpenBLAS).
    @Test("scratch holds a block's rows of the layers before the last only")
    func scratchSize() {
        let wide = DenseLayer(inputs: 5, units: 20_000, weights: [Double](repeating: 0.01, count: 100_000),
                              bias: [Double](repeating: 0, count: 20_000), activation: .identity)
        let first = DenseLayer(inputs: 3, units: 5, weights: [Double](repeating: 0.5, count: 15),
                               bias: [Double](repeating: 0, count: 5), activation: .relu)
        var y: [Double] = []
        for (network, rows, expected) in [(Network(layers: [first, wide]), 2, 2 * 5), (Network(layers: [wide]), 2, 1),
                                          (Network(layers: [first, wide]), 1000, Network.blockRows * 5)] {
            var scratch = ForwardScratch()
            var input = [Double](repeating: 1, count: rows * network.inputCount)
            y = [Double](repeating: 0, count: rows * network.outputCount)
            input.withUnsafeMutableBufferPointer { x in
                y.withUnsafeMutableBufferPointer { network.forward(x.baseAddress!, rows: rows, into: $0.baseAddress!, scratch: &scratch) }
            }
            #expect(scratch.a.count == expected && scratch.b.count == expected, "\(network.layers.map(\.units)), \(rows) rows")
        }
    }

    func applied(_ activation: Activation, _ values: [Double]) -> [Double] {
        var row = values
        row.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: $0.count) }
        return row
    }

    @Test("no NaN or overflow at large magnitudes")
    func extremes() {
        #expect(applied(.sigmoid, [-1000, 1000, 0, -1e-300]) == [0, 1, 0.5, 0.5])
        #expect(applied(.softmax, [1000, 1000]) == [0.5, 0.5])
        #expect(applied(.softmax, [-1000, 0]) == [0, 1])
        #expect(applied(.tanh, [-1000, 1000]) == [-1, 1])
        #expect(applied(.relu, [-1000, 1000, -0.0]).map(\.bitPattern) == [0, 1000, -0.0].map(\.bitPattern))
        #expect(applied(.relu, [.nan])[0].isNaN)
        #expect(applied(.identity, [-1e300]) == [-1e300])
    }

    @Test("softmax rows sum to one")
    func softmaxSums() {
        let row = applied(.softmax, [0.1, 2, -3, 4.5])
        #expect(abs(row.reduce(0, +) - 1) < 1e-15)
    }
}

@Suite("nnpipe's JSON model files")
struct JSONModelFileTests {
    func load(_ json: String) throws -> Network {
        ModelFile.network(try JSONModelFile.read(Array(json.utf8), name: "m.json").layers, activations: nil)
    }

    func message(_ json: String) -> String {
        do {
            _ = try load(json)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    @Test("a valid model loads with its shapes")
    func valid() throws {
        let network = try load(#"{"layers": [{"weights": [[1, 2, 3], [4, 5, 6]], "bias": [0, 0, 0.5e1], "activation": "relu"}]}"#)
        #expect(network.inputCount == 2 && network.outputCount == 3)
        #expect(network.layers[0].weights == [1, 2, 3, 4, 5, 6])
        #expect(network.layers[0].bias == [0, 0, 5])
    }

    @Test("malformed files name the line and column or the path", arguments: [
        ("{\"layers\": [\n  {\"weights\": [[1, 2]], \"bias\": [0, 0], \"activation\": \"relu\"\n]}", "m.json:3:1: not valid JSON: expected ',' or '}' in an object"),
        ("{\"layers\": [{\"weights\": [[1, NaN]]}]}", "m.json:1:30: not valid JSON: unexpected character 'N'"),
        ("{\"layers\": [{\"weights\": [[1, 1e999]]}]}", "m.json:1:30: not valid JSON: not a finite number"),
        ("[1, 2]", "m.json: expected a JSON object with a \"layers\" list, found a list"),
        ("{\"layer\": []}", "m.json: layer: unknown key; a model has only \"layers\""),
        ("{\"layers\": []}", "m.json: layers: a model needs at least one layer"),
        (#"{"layers": [{"weights": [[1, 2], [3]], "bias": [0, 0], "activation": "relu"}]}"#, "m.json: layers[0].weights[1]: row has 1 values but row 0 has 2"),
        (#"{"layers": [{"weights": [[1, "x"]], "bias": [0, 0], "activation": "relu"}]}"#, "m.json: layers[0].weights[0][1]: expected a number, found a string"),
        (#"{"layers": [{"weights": [[1, 2]], "bias": [0, 0], "activation": "swishy"}]}"#, "m.json: layers[0].activation: unknown activation 'swishy'"),
        (#"{"layers": [{"weights": [[1, 2]], "bias": [0, 0], "activation": "relu"}, {"weights": [[1]], "bias": [0], "activation": "relu"}]}"#,
         "m.json: layers[1].weights: takes 1 inputs (rows) but the layer before has 2 units"),
        ("", "m.json:1:1: not valid JSON: unexpected end of file"),
    ])
    func malformed(_ json: String, _ expected: String) {
        let text = message(json)
        #expect(text.hasPrefix(expected), "\(text)")
    }
}

@Suite("OpenBLAS path")
struct BLASTests {
    @Test("wide layers on OpenBLAS agree with nnpipe's own kernel", .enabled(if: MatrixMultiply.usesBLAS))
    func agreesWithKernel() {
        var rng = FuzzTests.generator("agreesWithKernel")
        let (rows, inputs, units) = (37, 96, 80)
        let x = (0..<rows * inputs).map { _ in Double.random(in: -2...2, using: &rng) }
        let w = (0..<inputs * units).map { _ in Double.random(in: -1...1, using: &rng) }
        var blas = [Double](repeating: .nan, count: rows * units)
        var own = blas
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                blas.withUnsafeMutableBufferPointer {
                    MatrixMultiply.multiply(x.baseAddress!, rows: rows, inputs: inputs, weights: w.baseAddress!, units: units, into: $0.baseAddress!)
                }
                own.withUnsafeMutableBufferPointer {
                    DenseLayer.matmul(x.baseAddress!, rows: rows, inputs: inputs, weights: w.baseAddress!, units: units, into: $0.baseAddress!)
                }
            }
        }
        for (a, b) in zip(blas, own) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
    }

    /// Layers wider than ``MatrixMultiply/panelUnits`` go through OpenBLAS in panels: a short
    /// (padded) block and a full one must give every row the same bits, and agree with the kernel.
    @Test("wide layers in panels: short and full blocks agree bit for bit", .enabled(if: MatrixMultiply.usesBLAS))
    func panels() {
        var rng = FuzzTests.generator("panels")
        let (inputs, units, block) = (3, MatrixMultiply.panelUnits + 37, Network.blockRows)
        let x = (0..<block * inputs).map { _ in Double.random(in: -2...2, using: &rng) }
        let w = (0..<inputs * units).map { _ in Double.random(in: -1...1, using: &rng) }
        var full = [Double](repeating: .nan, count: block * units)
        var short = [Double](repeating: .nan, count: 5 * units)
        var own = short
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                full.withUnsafeMutableBufferPointer {
                    MatrixMultiply.multiply(x.baseAddress!, rows: block, inputs: inputs, weights: w.baseAddress!, units: units, into: $0.baseAddress!)
                }
                short.withUnsafeMutableBufferPointer {
                    MatrixMultiply.multiply(x.baseAddress!, rows: 5, inputs: inputs, weights: w.baseAddress!, units: units, into: $0.baseAddress!)
                }
                own.withUnsafeMutableBufferPointer {
                    DenseLayer.matmul(x.baseAddress!, rows: 5, inputs: inputs, weights: w.baseAddress!, units: units, into: $0.baseAddress!)
                }
            }
        }
        #expect(Array(full[0..<5 * units]) == short)
        #expect(zip(short, own).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
    }
}
