import Foundation
import Glibc

/// What makes two runs the same run, for resuming one: every resolved pipeline setting, the bytes
/// of the files the pipeline reads (model, scaler, labels), and each input's size, modification
/// time and first MiB.
///
/// Each part is one line `KIND NAME VALUE` (`setting write.gzip_level 9f2c…`, `model m.json
/// 1234 5e1a…`, `input a.csv 1000 1700000000.5 77b0…`): a journal stores the lines, and a resumed
/// run names the first line that differs.
struct RunIdentity: Equatable {
    struct Part: Equatable {
        var kind: String
        var name: String
        var value: String
        var line: String { "\(kind) \(JournalText.escape(name)) \(value)" }
    }

    var parts: [Part]

    /// The identity of a run of `config` (without its inputs: see ``adding(inputs:)``).
    init(config: PipelineConfig) {
        var lines: [(String, String)] = []
        Self.settings(of: config, path: "", into: &lines)
        parts = lines.map { Part(kind: "setting", name: $0.0, value: $0.1) }
        // Another build may write other bytes (number text, gzip members) for the same settings.
        parts.append(Part(kind: "nnpipe", name: "version", value: NNPipeVersion.current))
        // OpenBLAS and nnpipe's own kernel round a product's sums differently (last digits): a
        // resumed output must not mix their bytes.
        let wide = config.stages.stages.contains { stage in
            (stage as? ForwardStage)?.network.layers.contains(where: MatrixMultiply.goesToBLAS) ?? false
        }
        parts.append(Part(kind: "kernel", name: "matrix", value: wide ? MatrixMultiply.kernelName : "own"))
        for file in config.filesRead where file.role != "pipeline file" {
            parts.append(Part(kind: file.role.replacingOccurrences(of: " ", with: "_"), name: file.path,
                              value: Self.fileSummary(file.path, hashing: .max, withTime: false)))
        }
    }

    /// This identity with `files`, the inputs of one output, and their order (a journal's position
    /// names an input by its place in the list).
    func adding(inputs files: [String]) -> RunIdentity {
        var order = Fnv64()
        for file in files { order.add(file) }
        return RunIdentity(parts: parts + files.map { file in
            Part(kind: "input", name: file, value: Self.fileSummary(file, hashing: 1 << 20, withTime: true))
        } + [Part(kind: "inputs", name: "order", value: order.hex)])
    }

    /// The value of a file that is not a regular file (a pipe, a device, standard input): it is
    /// never opened for the identity, since reading it would take bytes from the run.
    static let unverifiable = "not-a-regular-file"

    /// Whether every file of the run is a regular file whose bytes the identity holds: a run that
    /// reads a pipe cannot be checked, so it keeps no journal.
    var isVerifiable: Bool { !parts.contains { $0.value == Self.unverifiable } }

    init(parts: [Part]) { self.parts = parts }

    /// What changed between an earlier run (`self`) and `now`, as a phrase: `the model file m.json
    /// changed`, `input a.csv changed (size, modification time or first MiB)`, `the setting
    /// write.gzip_level changed`; nil when nothing did.
    func change(to now: RunIdentity) -> String? {
        let before = Dictionary(parts.map { ("\($0.kind) \($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(now.parts.map { ("\($0.kind) \($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
        // Files first: an edited model file also changes the weights among the settings.
        let ordered = now.parts.filter { $0.kind != "setting" } + now.parts.filter { $0.kind == "setting" }
        for part in ordered where before["\(part.kind) \(part.name)"] != part {
            return Self.describe(part, added: before["\(part.kind) \(part.name)"] == nil)
        }
        for part in parts where after["\(part.kind) \(part.name)"] == nil {
            return part.kind == "setting" ? "the setting \(part.name) changed" : "\(part.name) is no longer read"
        }
        return nil
    }

    private static func describe(_ part: Part, added: Bool) -> String {
        switch part.kind {
        case "setting": return "the setting \(part.name) changed"
        case "input": return added ? "input \(part.name) was not read by that run" : "input \(part.name) changed (its size, modification time or first MiB)"
        case "inputs": return "the inputs or their order changed"
        case "kernel": return "the matrix kernel changed (OpenBLAS installed, removed or turned off with NNPIPE_BLAS, or another OPENBLAS_CORETYPE): its products differ in the last digits"
        default: return "the \(part.kind.replacingOccurrences(of: "_", with: " ")) \(part.name) changed"
        }
    }

    /// `SIZE [MTIME] HASH` of a file's first `hashing` bytes; `missing` when it cannot be read.
    static func fileSummary(_ path: String, hashing limit: Int, withTime: Bool) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "missing" }
        guard info.st_mode & S_IFMT == S_IFREG else { return unverifiable }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "unreadable" }
        defer { close(fd) }
        var hash = Fnv64()
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
        defer { buffer.deallocate() }
        var left = limit
        while left > 0 {
            let count = read(fd, buffer, min(1 << 20, left))
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            hash.add(UnsafeBufferPointer(start: buffer, count: count))
            left -= count
        }
        let time = withTime ? " \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : ""
        return "\(info.st_size)\(time) \(hash.hex)"
    }

    /// Property names whose value does not change a run's output bytes, or that are checked
    /// otherwise: positions in the pipeline file, worker counts, the journal's interval, the
    /// `tests:` section, the files read (hashed by content instead), the inputs (by content).
    private static let ignored: Set<String> = ["line", "column", "origin", "tests", "workers", "maxChunksInFlight", "parallelGzip",
                                               "journalInterval",
                                               "filesRead", "inputs", "keyPath"]

    /// Every setting under `value` as `(path, hash of its value)`, in a fixed order.
    private static func settings(of value: Any, path: String, into lines: inout [(String, String)]) {
        if let numbers = value as? [Double] {
            // Weights: their bytes, not their text (a big model's text takes seconds to make).
            var hash = Fnv64()
            numbers.withUnsafeBytes { hash.add($0.bindMemory(to: UInt8.self)) }
            lines.append((path, hash.hex))
            return
        }
        if let texts = value as? [String] {
            var hash = Fnv64()
            for text in texts { hash.add(text) }
            lines.append((path, hash.hex))
            return
        }
        let mirror = Mirror(reflecting: value)
        let style = mirror.displayStyle
        if style == .collection && mirror.children.count > 32 {
            // A long list is one line: its elements' settings (positions in the file left out,
            // as everywhere) hashed together.
            var elements: [(String, String)] = []
            for child in mirror.children { settings(of: child.value, path: "", into: &elements) }
            var hash = Fnv64()
            for (name, value) in elements { hash.add(name); hash.add(value) }
            lines.append((path, hash.hex))
            return
        }
        if mirror.children.isEmpty {
            var hash = Fnv64()
            hash.add(String(reflecting: value))
            lines.append((path.isEmpty ? "pipeline" : path, hash.hex))
            return
        }
        if style == .dictionary || style == .set {
            // Hash order differs from process to process: sort.
            var hash = Fnv64()
            for text in mirror.children.map({ String(reflecting: $0.value) }).sorted() { hash.add(text) }
            lines.append((path, hash.hex))
            return
        }
        for (offset, child) in mirror.children.enumerated() {
            let label = child.label ?? "\(offset)"
            // Where a value came from (the pipeline file or an option) does not change the output.
            if ignored.contains(label) || label.hasSuffix("Origin") { continue }
            let name: String
            switch style {
            case .collection, .tuple: name = "\(path)[\(label)]"
            case .optional: name = path
            case .enum: name = path
            default: name = path.isEmpty ? snakeCase(label) : "\(path).\(snakeCase(label))"
            }
            settings(of: child.value, path: name, into: &lines)
        }
        if style == .enum, let label = mirror.children.first?.label {
            // The case itself (its payload is hashed above).
            var hash = Fnv64()
            hash.add(label)
            lines.append((path + "#case", hash.hex))
        }
    }

    private static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// FNV-1a, 64 bits, over eight-byte words: a fast fingerprint (not a defence against deliberate
/// collisions).
struct Fnv64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Adds `bytes`, eight at a time (then the rest one by one): a model file of hundreds of MB
    /// is hashed at the start of every run.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        var h = value
        let words = bytes.count / 8
        if let base = bytes.baseAddress, words > 0 {
            let raw = UnsafeRawPointer(base)
            for i in 0..<words {
                h ^= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                h = h &* 0x100_0000_01b3
                h ^= h >> 32
            }
        }
        for byte in bytes[(words * 8)...] {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        value = h
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add($0) }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        value = (value ^ 0xFF) &* 0x100_0000_01b3
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
