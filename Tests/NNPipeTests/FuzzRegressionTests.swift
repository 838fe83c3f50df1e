import Foundation
import Testing
@testable import NNPipe

/// Every input that one of the libFuzzer targets (`fuzz/`, `scripts/fuzz.sh`) found a bug with,
/// run again through the real code path: it must give a result or a typed nnpipe error. The
/// inputs live in `Tests/Fixtures/fuzz-regressions/TARGET/`, in the fuzz target's own form (a
/// libFuzzer binary replays them as they are), so the leading settings bytes mean here what they
/// mean there.
@Suite("Inputs the fuzzers found bugs with")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-regressions")

    /// The committed inputs of one target: (file name, bytes).
    static func inputs(_ target: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? []
        return names.sorted().map { "\(target)/\($0)" }
    }

    static func bytes(_ input: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(input)))
    }

    /// The read sizes the first settings byte chooses among (as in `fuzz/Sources/FuzzSupport`).
    static func readSize(_ selector: UInt8) -> Int {
        let sizes = [1, 2, 3, 7, 64, 4096, 1 << 20]
        return sizes[Int(selector) % sizes.count]
    }

    @Test("model files decode to a model or a ModelError",
          arguments: inputs("onnx") + inputs("numpy") + inputs("safetensors") + inputs("json"))
    func modelFile(_ input: String) throws {
        let bytes = try Self.bytes(input)
        do {
            let file = try bytes.withUnsafeBytes { raw in Result { () throws(ModelError) in try ModelFile.decode(raw, name: "m") } }.get()
            _ = ModelFileDescription.tensorLines(file)
            _ = ModelFileDescription.layerLines(try file.orderedLayers())
        } catch {
            #expect(!error.message.isEmpty)
        }
    }

    @Test("pipeline files load or give a typed error", arguments: inputs("pipeline"))
    func pipeline(_ input: String) throws {
        let text = String(decoding: try Self.bytes(input), as: UTF8.self)
        do {
            _ = try PipelineLoader.parse(yaml: text, file: "p.yaml", folder: "/nonexistent",
                                         environment: ["DATA": "../sample-data", "EMPTY": "", "N": "3"])
        } catch is any NNPipeError {
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    /// What a gzip decoder made of the input.
    enum Outcome: Equatable {
        /// Everything it inflated.
        case bytes([UInt8])
        /// The message of the typed error that stopped it.
        case failed(String)
    }

    /// Everything `reader` inflates, or the typed error that stopped it (nil: an untyped error).
    static func inflate(_ reader: () throws -> ByteSource) -> Outcome? {
        do {
            let source = try reader()
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = try buffer.withUnsafeMutableBufferPointer { try source.read(into: $0.baseAddress!, capacity: $0.count) }
                if count == 0 { return .bytes(output) }
                output += buffer[..<count]
            }
        } catch let error as any NNPipeError {
            return .failed(error.description)
        } catch {
            Issue.record("untyped error \(error)")
            return nil
        }
    }

    @Test("gzip input inflates the same on both paths, or fails on both with a typed error", arguments: inputs("gzip"))
    func gzip(_ input: String) throws {
        let bytes = try Self.bytes(input)
        let read = Self.readSize(bytes[0]), stream = Array(bytes.dropFirst())
        let zlib = Self.inflate { try GzipReader(source: PieceSource(stream, piece: read), name: "in.csv.gz", decoder: ZlibDecoder(name: "in.csv.gz")) }
        #if ISAL
        let isal = Self.inflate { GzipReader(source: PieceSource(stream, piece: read), name: "in.csv.gz", decoder: IsalDecoder()) }
        switch (zlib, isal) {
        case let (.bytes(a), .bytes(b)): #expect(a == b)
        case (.failed, .failed): break
        case let (zlib?, isal?): Issue.record("zlib: \(zlib); ISA-L: \(isal)")
        default: break
        }
        #else
        _ = zlib
        #endif
    }

    @Test("CSV input splits into records and fields, or gives a typed error", arguments: inputs("csv"))
    func csv(_ input: String) throws {
        let bytes = try Self.bytes(input)
        let delimiter: UInt8 = [0x2C, 0x3B, 0x09, 0x7C][Int(bytes[1]) % 4]
        let maxRecords = Int(bytes[2] & 0x1F) + 1
        let maxRecordBytes = bytes[2] & 0x20 != 0 ? 64 : 1 << 20
        let splitter = RecordSplitter(source: PieceSource(Array(bytes.dropFirst(3)), piece: Self.readSize(bytes[0])),
                                      name: "in.csv", delimiter: delimiter, maxRecordBytes: maxRecordBytes)
        let parser = CSVRecordParser(delimiter: delimiter)
        do {
            while var chunk = try splitter.nextChunk(maxRecords: maxRecords) {
                chunk.findRecords()
                #expect(chunk.bytes.count == chunk.recordEnds.last! + RawChunk.padding)
                chunk.bytes.withUnsafeBufferPointer { buffer in
                    for i in 0..<chunk.count {
                        let range = chunk.range(of: i)
                        try? parser.parse(buffer.baseAddress! + range.lowerBound, count: range.count,
                                          readableEnd: buffer.baseAddress! + buffer.count)
                    }
                }
            }
        } catch is any NNPipeError {
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}
