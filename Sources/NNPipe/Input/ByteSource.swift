import Glibc

/// A stream of bytes read in large blocks: a file, standard input, or a decompressor over one.
package protocol ByteSource: AnyObject {
    /// Fills up to `capacity` bytes at `buffer`; returns how many, 0 at the end of the stream.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int
    /// Bytes consumed from the underlying file so far (compressed bytes for gzip), for messages.
    var bytesConsumed: Int { get }
}

/// A file descriptor read with `read(2)`; closes the file when done unless it is standard input.
package final class FileSource: ByteSource {
    let descriptor: Int32
    let name: String
    let ownsDescriptor: Bool
    /// Bytes handed back by ``unread(_:)``, served before the descriptor is read again.
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    package private(set) var bytesConsumed = 0

    /// Opens `path` (`-` is standard input), naming it `name` in messages.
    package init(path: String, name: String) throws {
        self.name = name
        if path == "-" {
            if StandardStreams.closed.contains(0) {
                throw InputError(.missing, file: name, problem: "standard input is closed")
            }
            descriptor = 0
            ownsDescriptor = false
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == EMFILE || code == ENFILE { throw ResourceError("\(name): cannot open: too many open files (ulimit -n)") }
            let problem = code == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(code)))"
            throw InputError(.missing, file: name, problem: problem)
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(.missing, file: name, problem: "is a folder, not a file")
        }
        descriptor = fd
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Puts bytes already read back in front of the stream (used after sniffing the gzip magic).
    func unread(_ bytes: [UInt8]) {
        pending = bytes + pending[pendingOffset...]
        pendingOffset = 0
        bytesConsumed -= bytes.count
    }

    package func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if pendingOffset < pending.count {
            let count = min(capacity, pending.count - pendingOffset)
            pending.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + pendingOffset, count: count) }
            pendingOffset += count
            bytesConsumed += count
            return count
        }
        while true {
            let count = Glibc.read(descriptor, buffer, capacity)
            if count >= 0 {
                bytesConsumed += count
                return count
            }
            if errno == EINTR { continue }
            throw InputError(.unreadable, file: name, byteOffset: bytesConsumed,
                             problem: "read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Moves to byte `offset` of the file (a regular file), dropping bytes handed back; false when
    /// the input cannot seek.
    func seek(to offset: Int) -> Bool {
        guard ownsDescriptor, lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else { return false }
        pending = []
        pendingOffset = 0
        bytesConsumed = offset
        return true
    }

    /// Skips `count` bytes of a regular file with `lseek`, after any bytes handed back by
    /// ``unread(_:)``; false (nothing skipped) when the input cannot seek or those bytes remain.
    func seekForward(_ count: Int) -> Bool {
        guard pendingOffset >= pending.count, ownsDescriptor else { return false }
        var info = stat()
        // Never past the end (a seek there succeeds): the caller then reads up to the end and
        // reports that the input is shorter than where a resumed run should go on.
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              case let here = lseek(descriptor, 0, SEEK_CUR), here >= 0, count <= Int(info.st_size) - Int(here),
              lseek(descriptor, off_t(count), SEEK_CUR) >= 0 else { return false }
        bytesConsumed += count
        return true
    }

    /// Reads until `count` bytes or the end of the stream.
    func readUpTo(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = try bytes.withUnsafeMutableBufferPointer { try read(into: $0.baseAddress! + filled, capacity: count - filled) }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(count - filled)
        return bytes
    }
}

/// Opens inputs, choosing decompression by content: gzip's magic bytes `1f 8b` and zstd's
/// `28 b5 2f fd`, whatever the name; other compressors' magic bytes are refused (see
/// ``InputContent``).
package enum InputOpener {
    /// Opens `path` (`-` for standard input) as a stream of CSV bytes; `delimiter` is the input's
    /// (a byte that is not text elsewhere, such as Hive's `\u{1}`, is text when it is the delimiter).
    /// `pipelineFile` names the pipeline in the command a refusal suggests. `decoders` is how
    /// many parts of a BGZF or multi-frame zstd file may decode at once (the run's workers);
    /// `parallelGzip`, whether a gzip file of one member is inflated on that many threads too (nil:
    /// from four on).
    package static func open(path: String, name: String, delimiter: UInt8 = 0x2C,
                            pipelineFile: String = "PIPELINE.yaml",
                            decoders: Int = ProcessorInfo.activeProcessors, parallelGzip: Bool? = nil) throws -> ByteSource {
        let file = try FileSource(path: path, name: name)
        // Only a name ending in .gz needs more than the magic: the start must then look like text.
        let namedGzip = path.hasSuffix(".gz")
        let prefix = try file.readUpTo(namedGzip ? InputContent.sniffLength : InputContent.magicLength)
        file.unread(prefix)
        let parts = ParallelDecoder<GzipMemberFinder>.partsInFlight(decoders: decoders)
        switch InputContent(prefix: prefix, delimiter: delimiter) {
        case .gzip:
            // BGZF members (bgzip, nnpipe's own output) are inflated in parallel; any other gzip
            // stream by one decoder.
            let finder = GzipMemberFinder(input: ReadAhead(file: file), name: name,
                                          speculativeDecoders: GzipMemberFinder.speculativeDecoders(setting: parallelGzip, decoders: decoders)) {
                try gzipReader(over: $0, name: name)
            }
            return ParallelDecoder(finder: finder, name: name, partsInFlight: parts)
        case .zstd:
            return ParallelDecoder(finder: ZstdFrameFinder(input: ReadAhead(file: file), name: name), name: name,
                                   partsInFlight: parts)
        case .unsupported(let format):
            throw InputError(.badData, file: name, problem: refusal(format, path: path, pipelineFile: pipelineFile))
        case .binary(let offset, let byte) where namedGzip:
            let notGzip = "named .gz but not gzip data (no gzip magic bytes 1f 8b) and not plain text"
            if prefix == [0x1F] {
                throw InputError(.badData, file: name, byteOffset: 0,
                                 problem: "truncated gzip file: it holds only the first of gzip's two magic bytes")
            }
            let hex = String(byte, radix: 16)
            throw InputError(.badData, file: name, byteOffset: offset,
                             problem: "\(notGzip): byte 0x\(hex.count == 1 ? "0" : "")\(hex) is a control character")
        case .binary, .text:
            return file
        }
    }

    /// Why an input in `format` is not read, and the command line that feeds it in decompressed.
    static func refusal(_ format: ForeignFormat, path: String, pipelineFile: String) -> String {
        // A one-liner has no file to name: its options stay, with `-` for the input.
        let run = pipelineFile == CommandLinePipeline.name
            ? "nnpipe run --model … (the same options) -" : "nnpipe run \(shellWord(pipelineFile)) --input -"
        if path == "-" {
            return "\(format.what) is not read directly; \(format.verb) it on the way in: ... | \(format.command) | \(run)"
        }
        return "\(format.what) is not read directly; \(format.verb) it into nnpipe: \(format.command) \(shellWord(path)) | \(run)"
    }

    /// `word` as one shell word: unchanged when it holds only safe characters, else single-quoted.
    static func shellWord(_ word: String) -> String {
        let safe = !word.isEmpty && word.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "/._-+=:,@%".utf8.contains(byte)
        }
        return safe ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// The gzip decoder: ISA-L when built in (the default), unless `NNPIPE_INFLATE=zlib` asks for
    /// zlib (kept so both paths are tested and can be compared).
    /// `allowsPadding: false` for a part of a file cut by ``GzipMemberFinder``, which must end
    /// exactly at a member's end.
    static func gzipReader(over file: ByteSource, name: String, allowsPadding: Bool = true) throws -> ByteSource {
        #if ISAL
        if getenv("NNPIPE_INFLATE").map({ String(cString: $0) }) != "zlib" {
            return GzipReader(source: file, name: name, decoder: IsalDecoder(), allowsPadding: allowsPadding)
        }
        #endif
        return GzipReader(source: file, name: name, decoder: try ZlibDecoder(name: name), allowsPadding: allowsPadding)
    }

    /// A display name for messages: `<stdin>` for `-`, otherwise the path as given.
    package static func displayName(_ path: String) -> String {
        path == "-" ? "<stdin>" : path
    }
}
