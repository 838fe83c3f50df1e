#if ISAL
import CISAL
import Glibc

/// ISA-L inflating the raw deflate data of a file from a block boundary whose window is known,
/// into the caller's buffers, reading the file no further than a byte the caller sets: how
/// ``SpeculativeGzipReader``'s reading thread inflates the regions the pool has not inflated in
/// time, at one thread's full speed and with no copy.
///
/// ISA-L cannot be asked to stop at a block's end, but it stops where its input does. To end
/// exactly where a part the pool inflated begins (a dynamic block's header guessed at bit `g`),
/// the input is cut at `g` rounded up to a byte: fewer than 8 bits past `g`, where a dynamic
/// header needs at least 17. So ISA-L ends between blocks at exactly `g` (``endsBetweenBlocks(at:)``)
/// if, and only if, a block of the real stream ends at `g`; otherwise the input limit is raised
/// and ISA-L reads on. Every bit it reads is the stream's own: nothing is trusted that the real
/// decoding did not reach.
final class IsalStream {
    /// Why the data did not inflate.
    enum Failure: Error, Equatable {
        /// ISA-L's reason.
        case corrupt(String)
        /// The file could not be read.
        case unreadable
    }

    /// ISA-L's state is large (~85 KB) and holds pointers into itself: one heap allocation.
    private let state: UnsafeMutablePointer<inflate_state>
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputSize = 256 * 1024
    private let descriptor: Int32
    /// The file offset of `input`'s first byte, and how many bytes it holds.
    private var inputOffset: Int
    private var inputCount = 0
    /// The file is read no further than this byte (exclusive); the caller moves it.
    var inputEnd: Int
    /// Whether the stream's last block has been inflated.
    private(set) var streamEnded = false

    /// A stream of the file open as `descriptor`, of `fileSize` bytes, from bit `start` (a block
    /// boundary) with `window` as the bytes before it (the most recent last; empty at the
    /// stream's start); nil when the first byte cannot be read.
    init?(descriptor: Int32, fileSize: Int, from start: Int, window: UnsafeBufferPointer<UInt8>) {
        self.descriptor = descriptor
        inputEnd = fileSize
        inputOffset = start / 8
        state = .allocate(capacity: 1)
        input = .allocate(capacity: Self.inputSize)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_DEFLATE)
        if let address = window.baseAddress, !window.isEmpty {
            _ = isal_inflate_set_dict(state, UnsafeMutablePointer(mutating: address), UInt32(window.count))
        }
        // A start inside a byte: the byte's remaining bits go into ISA-L's bit buffer.
        if start % 8 != 0 {
            var byte: UInt8 = 0
            guard pread(descriptor, &byte, 1, off_t(inputOffset)) == 1 else { return nil }
            state.pointee.read_in = UInt64(byte >> UInt8(start % 8))
            state.pointee.read_in_length = Int32(8 - start % 8)
            inputOffset += 1
        }
        state.pointee.next_in = input
        state.pointee.avail_in = 0
    }

    deinit {
        state.deallocate()
        input.deallocate()
    }

    /// The bit position in the file ISA-L has read to: its input position less the bits it holds
    /// and the header bytes it set aside to read again.
    var position: Int {
        let consumed = inputOffset + (state.pointee.next_in - input) - Int(state.pointee.tmp_in_size)
        return consumed * 8 - Int(state.pointee.read_in_length)
    }

    /// Whether ISA-L has used every byte up to ``inputEnd``.
    var inputUsedUp: Bool { state.pointee.avail_in == 0 && inputOffset + inputCount >= inputEnd }

    /// Whether ISA-L, its input used up, stands between blocks (before a header, or waiting inside
    /// one) at exactly bit `bit`: a block of the stream ends there.
    func endsBetweenBlocks(at bit: Int) -> Bool {
        let block = state.pointee.block_state
        return inputUsedUp && (block == ISAL_BLOCK_NEW_HDR || block == ISAL_BLOCK_HDR) && position == bit
    }

    /// Inflates into `buffer`; 0 once the stream has ended or the input up to ``inputEnd`` is
    /// used up.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws(Failure) -> Int {
        guard !streamEnded else { return 0 }
        let room = UInt32(min(capacity, 1 << 30))
        state.pointee.next_out = buffer
        state.pointee.avail_out = room
        while true {
            if state.pointee.avail_in == 0 {
                let next = inputOffset + inputCount, wanted = min(Self.inputSize, inputEnd - next)
                if wanted > 0 {
                    var count = 0
                    repeat { count = pread(descriptor, input, wanted, off_t(next)) } while count < 0 && errno == EINTR
                    guard count >= 0 else { throw .unreadable }
                    inputOffset = next
                    inputCount = count
                    state.pointee.next_in = input
                    state.pointee.avail_in = UInt32(count)
                    // The file is shorter than the limit: it ends here.
                    if count == 0 { inputEnd = next }
                }
            }
            let status = isal_inflate(state)
            if status < 0 { throw .corrupt(IsalDecoder.describe(status)) }
            // Finished once the last block is inflated and all of it handed over (the end of
            // input alone may leave bytes in ISA-L's buffer for the next call).
            let block = state.pointee.block_state
            if block == ISAL_BLOCK_FINISH {
                streamEnded = true
                break
            }
            if state.pointee.avail_out == 0 || (inputUsedUp && block != ISAL_BLOCK_INPUT_DONE) { break }
        }
        return Int(room - state.pointee.avail_out)
    }
}
#endif
