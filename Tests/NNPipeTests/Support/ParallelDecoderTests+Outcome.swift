import Testing
@testable import NNPipe

extension ParallelDecoderTests {
    /// What a decoder gave: every byte, or the bytes before its error and the error's line.
    struct Outcome: Equatable, CustomStringConvertible {
        var bytes: [UInt8]
        var error: String?
        var description: String { "\(bytes.count) bytes" + (error.map { ", then: \($0)" } ?? "") }
    }

    /// Reads `source` to its end or its first error, `readSize` bytes at a time.
    static func drain(_ source: ByteSource, readSize: Int) -> Outcome {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        do {
            while true {
                let count = try buffer.withUnsafeMutableBufferPointer { try source.read(into: $0.baseAddress!, capacity: readSize) }
                if count == 0 { return Outcome(bytes: bytes) }
                bytes.append(contentsOf: buffer[..<count])
            }
        } catch let error as any NNPipeError {
            return Outcome(bytes: bytes, error: error.description)
        } catch {
            return Outcome(bytes: bytes, error: "untyped: \(error)")
        }
    }

    /// The compressed formats whose parts the parallel decoder finds.
    enum Format { case gzip, zstd }

    /// One decoder over the file at `path` (as ``InputOpener`` made it before the parallel one).
    static func sequential(_ path: String, _ format: Format, readSize: Int) throws -> Outcome {
        let file = try FileSource(path: path, name: "in")
        let source: ByteSource = switch format {
        case .gzip: try InputOpener.gzipReader(over: file, name: "in")
        case .zstd: try ZstdReader(source: file, name: "in")
        }
        return drain(source, readSize: readSize)
    }
}
