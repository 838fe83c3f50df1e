import Foundation
import Testing
@testable import NNPipe

/// The pieces of the model-file readers that the fixtures exercise only in part.
@Suite("Model-file decoding")
struct ModelFileDecodingTests {
    static let halves: [(UInt16, Double)] = [
        (0x3C00, 1.0), (0xC000, -2.0), (0x7BFF, 65504.0), (0x0001, 0x1p-24), (0x0400, 0x1p-14),
        (0x3555, 0.333251953125), (0x8000, -0.0), (0x7C00, Double.infinity),
    ]

    @Test("float16 bits decode exactly")
    func half() {
        for (bits, value) in Self.halves {
            #expect(ElementType.half(bits) == value, "\(bits)")
            #expect(ElementType.half(bits).sign == value.sign)
            #expect(ElementType.half(bits) == Double(Float16(bitPattern: bits)))
        }
    }

    /// The decoding by hand that ``ElementType/half(_:)`` once did: sign, exponent, fraction.
    static func referenceHalf(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    @Test("every float16 bit pattern decodes to the hand decoder's float64 bits, subnormals and NaNs included")
    func halfEveryPattern() {
        var mismatches: [UInt16] = []
        for bits in UInt16.min...UInt16.max where ElementType.half(bits).bitPattern != Self.referenceHalf(bits).bitPattern {
            mismatches.append(bits)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(8).map { String($0, radix: 16) })")
        #expect(ElementType.half(0x03FF) == 0x3FF * 0x1p-24)
        #expect(ElementType.half(0xFE01).bitPattern == Double.nan.bitPattern)
    }

    @Test("a reader's problem is named by its file once the file is known, and only then")
    func located() {
        let bare = ModelError("the ZIP archive is truncated (3 bytes)")
        #expect(bare.message == "the ZIP archive is truncated (3 bytes)")
        #expect(bare.located(in: "m.npz").message == "m.npz: the ZIP archive is truncated (3 bytes)")
        let json = ModelError(file: "m.json:3:1", problem: "not valid JSON: unexpected end of file")
        #expect(json.located(in: "other.json").message == "m.json:3:1: not valid JSON: unexpected end of file")
    }

    /// What a forward stage asks of a file that cannot give it names the stage's key.
    @Test("the forward stage's activations, tensors and output are checked against the file, naming the key",
          arguments: [
              ("sensor-model.npz", false, false, false, ModelError.StageKey.model),
              ("sensor-model.npz", true, false, true, .output),
              ("sensor-model.json", true, false, false, .activations),
              ("sensor-model.onnx", false, true, false, .tensors),
          ])
    func stageKeys(file: String, activations: Bool, tensors: Bool, output: Bool, key: ModelError.StageKey) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data/\(file)").path
        do {
            _ = try ModelFile.loadNetwork(path: path, activations: activations ? [.relu] : nil,
                                          mapping: tensors ? [TensorMapping(weights: "W0", bias: nil, transpose: false)] : nil,
                                          output: output ? "probabilities" : nil)
            Issue.record("\(file) loaded")
        } catch {
            #expect(error.stageKey == key, "\(error.message)")
        }
    }

    @Test("bfloat16 is the top half of a float32")
    func bfloat() {
        #expect(ElementType.bfloat(0x3F80) == 1)
        #expect(ElementType.bfloat(0xC040) == -3)
        #expect(ElementType.bfloat(0x3EAB) == Double(Float(bitPattern: 0x3EAB_0000)))
    }

    @Test("Fortran order becomes C order")
    func fortran() {
        // [[1, 2, 3], [4, 5, 6]] stored column by column.
        #expect(NpyArray.cOrder(fromFortran: [1, 4, 2, 5, 3, 6], shape: [2, 3]) == [1, 2, 3, 4, 5, 6])
        // A 2×2×2 array a[i][j][k] = 100i + 10j + k.
        var fortran: [Double] = []
        for k in 0..<2 { for j in 0..<2 { for i in 0..<2 { fortran.append(Double(100 * i + 10 * j + k)) } } }
        #expect(NpyArray.cOrder(fromFortran: fortran, shape: [2, 2, 2]) == [0, 1, 10, 11, 100, 101, 110, 111])
    }

    @Test(".npy header dicts are parsed as Python literals")
    func pythonLiteral() throws {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n"
        let parsed = try PythonLiteral.parse(Array(header.utf8))
        #expect(parsed == .dict([(.string("descr"), .string("<f8")), (.string("fortran_order"), .bool(false)),
                                 (.string("shape"), .tuple([.integer(3), .integer(4)]))]))
        #expect(try PythonLiteral.parse(Array("{\"shape\": (7,), 'x': [None, True]}".utf8))
            == .dict([(.string("shape"), .tuple([.integer(7)])), (.string("x"), .list([.none, .bool(true)]))]))
        #expect(try PythonLiteral.parse(Array("{'shape': ()}".utf8)) == .dict([(.string("shape"), .tuple([]))]))
        for bad in ["{'shape': (3, 4}", "{'descr' '<f8'}", "{'shape': (99999999999999999999,)}", "{'a': b}", "{'a': 1} x", "{'a': 'open"] {
            #expect(throws: ModelError.self, "\(bad)") { try PythonLiteral.parse(Array(bad.utf8)) }
        }
    }

    @Test("numpy names are recognized")
    func names() {
        #expect(TensorLayers.numpyName("W0")! == ("weights", 0))
        #expect(TensorLayers.numpyName("weights_12")! == ("weights", 12))
        #expect(TensorLayers.numpyName("bias_3")! == ("bias", 3))
        #expect(TensorLayers.numpyName("b7")! == ("bias", 7))
        #expect(TensorLayers.numpyName("arr_0") == nil)
        #expect(TensorLayers.numpyName("W") == nil)
    }

    @Test("a float16 npy array and a bfloat16 safetensors tensor read as float64")
    func halfFiles() throws {
        // np.save of np.array([[1.5, -2], [0.25, 65504]], dtype='<f2')
        var npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        var header = Array("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        npy += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        for bits: UInt16 in [0x3E00, 0xC000, 0x3400, 0x7BFF] { npy += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
        let tensor = try npy.withUnsafeBytes { raw in Result { () throws(ModelError) in try NpyArray.decode(raw, name: "W0") } }.get()
        #expect(tensor.shape == [2, 2])
        #expect(tensor.values == [1.5, -2, 0.25, 65504])

        let json = Array(#"{"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}"#.utf8)
        var file: [UInt8] = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
        file += [0x80, 0x3F, 0x40, 0xC0]
        let tensors = try file.withUnsafeBytes { raw in Result { () throws(ModelError) in try SafetensorsFile.tensors(raw) } }.get()
        #expect(tensors.first?.values == [1, -3])
    }

    @Test(".npy versions 2 and 3 have a 4-byte header length")
    func npyVersions() throws {
        for version: UInt8 in [2, 3] {
            var header = Array("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }".utf8)
            while (12 + header.count + 1) % 64 != 0 { header.append(0x20) }
            header.append(0x0A)
            var npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
            npy += withUnsafeBytes(of: UInt32(header.count).littleEndian, Array.init) + header
            for value: Float in [1, 3, 2, 4] { npy += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
            let tensor = try npy.withUnsafeBytes { raw in Result { () throws(ModelError) in try NpyArray.decode(raw, name: "w") } }.get()
            #expect(tensor.values == [1, 2, 3, 4], "version \(version), Fortran order")
        }
    }

    @Test("formats are told apart by their first bytes")
    func detect() {
        func format(_ bytes: [UInt8]) -> ModelFileFormat? { bytes.withUnsafeBytes { ModelFile.detect($0) } }
        #expect(format(Array("PK\u{3}\u{4}rest".utf8)) == .npz)
        #expect(format([0x93] + Array("NUMPY".utf8) + [1, 0]) == .npy)
        #expect(format([16, 0, 0, 0, 0, 0, 0, 0] + Array("{\"a\": 1}".utf8)) == .safetensors)
        #expect(format(Array("  \n{\"layers\": []}".utf8)) == .json)
        #expect(format([0x08, 0x07, 0x12]) == .onnx)
        #expect(format(Array("hello".utf8)) == nil)
    }

    @Test("safetensors __metadata__ names tied tensors (save_model); other metadata is left alone")
    func tiedTensors() throws {
        let tensors = [Tensor(name: "0.weight", shape: [1, 2], dtype: "F64", values: [1, 2]),
                       Tensor(name: "0.bias", shape: [1], dtype: "F64", values: [3])]
        let metadata = try JSONValue.parse(Array(#"{"format": "pt", "2.weight": "0.weight", "4.bias": "0.weight", "x": "0.bias", "0.bias": "0.weight"}"#.utf8))
        let result = SafetensorsFile.aliases(metadata, of: tensors)
        #expect(result.map(\.name) == ["0.weight", "2.weight", "0.bias"])
        #expect(result[1].values == [1, 2] && result[1].shape == [1, 2])
        #expect(SafetensorsFile.aliases(nil, of: tensors).map(\.name) == ["0.weight", "0.bias"])
    }
}
