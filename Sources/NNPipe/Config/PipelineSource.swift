import Glibc

/// Reads a pipeline file's bytes from a path, a named pipe (`nnpipe run <(printf ...)`) or
/// standard input (`-`), with read(2): FileManager's `contents(atPath:)` fails on a pipe and
/// gives no reason when it fails.
enum PipelineSource {
    /// The most bytes a pipeline file may have; a pipeline is a page of YAML, and a pipe that
    /// never ends (`<(yes)`) must not fill the memory.
    static let maximumBytes = 64 << 20

    /// How messages name the pipeline read from standard input.
    static let standardInputName = "<stdin>"

    /// The bytes of the pipeline at `path` (`-`: standard input), and whether it is a stream (a
    /// pipe, standard input): relative paths in a stream's text resolve against the working
    /// folder, as it has no folder of its own (`<(…)` is `/dev/fd/63`).
    static func bytes(at path: String) throws(ConfigError) -> (bytes: [UInt8], isStream: Bool) {
        let name = path == "-" ? standardInputName : path
        let descriptor: Int32
        if path == "-" {
            descriptor = 0
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                let code = errno
                throw ConfigError(file: name, keyPath: "", problem: code == ENOENT
                    ? "pipeline file not found" : "cannot read the pipeline file: \(Self.reason(code))")
            }
        }
        defer { if descriptor != 0 { close(descriptor) } }
        var info = stat()
        let kind = fstat(descriptor, &info) == 0 ? info.st_mode & S_IFMT : 0
        if kind == S_IFDIR {
            throw ConfigError(file: name, keyPath: "", problem: "cannot read the pipeline file: it is a folder")
        }
        let isStream = path == "-" || kind == S_IFIFO || kind == S_IFCHR || kind == S_IFSOCK
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigError(file: name, keyPath: "", problem: "cannot read the pipeline file: \(Self.reason(errno))")
            }
            if count == 0 { return (bytes, isStream) }
            bytes += buffer[0..<count]
            if bytes.count > maximumBytes {
                throw ConfigError(file: name, keyPath: "", problem: "the pipeline file is larger than \(maximumBytes >> 20) MiB")
            }
        }
    }

    /// The system's words for `code` (`Permission denied`).
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
