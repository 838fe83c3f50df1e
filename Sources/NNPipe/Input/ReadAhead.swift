/// A file's compressed bytes, read ahead in blocks so that a part finder can look at the next
/// member's header and take whole members, with the file offset of the next byte.
final class ReadAhead {
    let file: FileSource
    /// Bytes read and not yet taken: `buffer[start...]`.
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var atEnd = false
    private let block = 256 * 1024

    init(file: FileSource) { self.file = file }

    /// The file offset of the next byte not taken.
    var offset: Int { file.bytesConsumed - available }
    /// Bytes read and not yet taken.
    var available: Int { buffer.count - start }

    /// Reads until at least `count` bytes are available or the file ends; whether they are.
    func ensure(_ count: Int) throws -> Bool {
        while available < count && !atEnd {
            if start > 0 && start * 2 >= buffer.count {
                buffer.removeFirst(start)
                start = 0
            }
            let wanted = max(block, count - available)
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: wanted))
            let read = try buffer.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress! + old, capacity: wanted) }
            buffer.removeLast(wanted - read)
            if read == 0 { atEnd = true }
        }
        return available >= count
    }

    /// The byte `index` places after the next one (which must be available).
    subscript(index: Int) -> UInt8 { buffer[start + index] }

    /// The available bytes from `index` on, as a pointer for a C call.
    func withBytes<R>(from index: Int = 0, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[(start + index)...])) }
    }

    /// Moves the next `count` bytes (available) onto the end of `part`.
    func take(_ count: Int, into part: inout [UInt8]) {
        part.append(contentsOf: buffer[start..<(start + count)])
        start += count
    }

    /// Hands the bytes not taken back to the file, for a one-thread decoder to read from there on.
    func giveBack() {
        file.unread(Array(buffer[start...]))
        buffer = []
        start = 0
    }
}
