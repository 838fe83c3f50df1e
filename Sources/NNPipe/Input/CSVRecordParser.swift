import CCPU
import CCSV
import Glibc

/// Splits one CSV record into fields, keeping field bytes exactly as written.
///
/// A record with no quote and no stray carriage return is split on the delimiter directly, in one
/// pass that also looks for the quotes and carriage returns (sixteen bytes a step,
/// `CCPU_split_fields`), the fields pointing into the record itself: for such a record that is
/// exactly what RFC 4180 (and libcsv) gives. Every other record goes to libcsv in strict mode, with libcsv's
/// default trimming of spaces around unquoted fields turned off. `parseWithLibcsv` is kept
/// callable so tests hold the fast path to libcsv's answers.
///
/// One parser per worker, reused for every record. libcsv calls back through C function pointers,
/// which cannot capture context, so its callbacks reach a plain ``FieldArena`` through libcsv's
/// `data` argument (a raw pointer: no reference counting on the hot path).
final class CSVRecordParser {
    private let parser: UnsafeMutablePointer<csv_parser>
    private let arena: UnsafeMutablePointer<FieldArena>
    private let delimiter: UInt8
    /// The current record's fields: start and length of each.
    private(set) var fieldStarts: UnsafeMutablePointer<UnsafePointer<UInt8>>
    private(set) var fieldLengths: UnsafeMutablePointer<Int>
    private(set) var fieldCount = 0
    private var fieldCapacity = 64
    /// How far past a field's start bytes may be read (the fields' buffer ends there): lets the
    /// number parser take digits eight at a time. The bytes themselves never change a result.
    private(set) var readableEnd: UnsafePointer<UInt8>?

    /// Why a record could not be split into fields.
    enum Problem: Error, Equatable {
        /// Quoting that breaks RFC 4180 (a quote inside an unquoted field, text after a closing quote).
        case malformedQuote(field: Int)
        /// The input ended inside a quoted field.
        case unterminatedQuote(field: Int)
        /// A carriage return outside quotes that does not end the line.
        case strayCarriageReturn(field: Int)

        var reason: String {
            switch self {
            case .malformedQuote: "malformed quoting (a quote inside an unquoted field, or text after a closing quote)"
            case .unterminatedQuote: "unterminated quoted field at end of input"
            case .strayCarriageReturn: "carriage return inside an unquoted field"
            }
        }

        var field: Int {
            switch self {
            case .malformedQuote(let field), .unterminatedQuote(let field), .strayCarriageReturn(let field): field
            }
        }
    }

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        parser = .allocate(capacity: 1)
        parser.initialize(to: csv_parser())
        // csv_init fails only for invalid options; these are constant and valid.
        _ = csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_delim(parser, delimiter)
        csv_set_space_func(parser, { _ in 0 })
        arena = .allocate(capacity: 1)
        arena.initialize(to: FieldArena())
        fieldStarts = .allocate(capacity: fieldCapacity)
        fieldLengths = .allocate(capacity: fieldCapacity)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
        arena.pointee.release()
        arena.deallocate()
        fieldStarts.deallocate()
        fieldLengths.deallocate()
    }

    /// Field `i`'s bytes, valid until the next record is parsed (and while the record's bytes live).
    @inline(__always)
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: fieldStarts[i], count: fieldLengths[i])
    }

    /// Parses one whole record (with or without its line terminator). `readableEnd`, when given,
    /// is the end of the buffer the record lies in (bytes up to there may be read). Only the
    /// first `fieldsWanted` fields need be kept: ``fieldCount`` is still the record's number of
    /// fields, but ``field(_:)`` may be asked only for those (a pipeline that reads 2 columns of
    /// 32 then spends nothing on the other 30 past counting them).
    func parse(_ record: UnsafePointer<UInt8>, count: Int, readableEnd: UnsafePointer<UInt8>? = nil,
               fieldsWanted: Int = .max) throws(Problem) {
        let end = readableEnd ?? record + count
        self.readableEnd = end
        var length = count
        if length > 0, record[length - 1] == 0x0A { length -= 1 }
        if length > 0, record[length - 1] == 0x0D { length -= 1 }
        let readable = end - record
        var fields = split(record, length: length, readable: readable, wanted: fieldsWanted)
        if fields > fieldCapacity && fieldsWanted > fieldCapacity {
            growFields(to: min(fields, fieldsWanted))
            fields = split(record, length: length, readable: readable, wanted: fieldsWanted)
        }
        if fields < 0 {
            try parseWithLibcsv(record, count: count)
            return
        }
        fieldCount = fields
    }

    /// The fields of a record without quotes or carriage returns into `fieldStarts` and
    /// `fieldLengths` (as many as fit, at most `wanted`); their number, or -1 for any other record.
    @inline(__always)
    private func split(_ record: UnsafePointer<UInt8>, length: Int, readable: Int, wanted: Int) -> Int {
        // The C function takes an array of nullable pointers: the same layout, bound for the call.
        fieldStarts.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: fieldCapacity) { starts in
            CCPU_split_fields(record, length, readable, delimiter, starts, fieldLengths, min(fieldCapacity, wanted))
        }
    }

    /// Parses one record with libcsv, whatever it holds.
    func parseWithLibcsv(_ record: UnsafePointer<UInt8>, count: Int) throws(Problem) {
        arena.pointee.reset()
        let context = UnsafeMutableRawPointer(arena)
        let consumed = csv_parse(parser, record, count, fieldCallback, rowCallback, context)
        if consumed != count {
            let field = arena.pointee.fieldCount + 1
            _ = csv_fini(parser, nil, nil, nil)  // reset for the next record
            throw .malformedQuote(field: field)
        }
        if csv_fini(parser, fieldCallback, rowCallback, context) != 0 {
            let field = arena.pointee.fieldCount + 1
            _ = csv_fini(parser, nil, nil, nil)
            throw .unterminatedQuote(field: field)
        }
        if arena.pointee.rows > 1 {
            // libcsv ends a row at the carriage return, so the field holding it is the last of
            // the first row (the fields after it belong to the rows that follow).
            throw .strayCarriageReturn(field: arena.pointee.firstRowFieldCount)
        }
        // The arena is final now: point the fields into it.
        readableEnd = UnsafePointer(arena.pointee.bytes) + arena.pointee.capacity
        fieldCount = 0
        var start = 0
        for i in 0..<arena.pointee.fieldCount {
            let end = arena.pointee.ends[i]
            addField(UnsafePointer(arena.pointee.bytes) + start, end - start)
            start = end
        }
    }

    @inline(__always)
    private func addField(_ start: UnsafePointer<UInt8>, _ length: Int) {
        if fieldCount == fieldCapacity { growFields(to: fieldCapacity * 2) }
        (fieldStarts + fieldCount).initialize(to: start)
        fieldLengths[fieldCount] = length
        fieldCount += 1
    }

    /// Room for `capacity` fields, keeping the current record's.
    private func growFields(to capacity: Int) {
        let newCapacity = max(capacity, fieldCapacity * 2)
        let starts = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: newCapacity)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        starts.moveInitialize(from: fieldStarts, count: fieldCount)
        lengths.moveInitialize(from: fieldLengths, count: fieldCount)
        fieldStarts.deallocate()
        fieldLengths.deallocate()
        fieldStarts = starts
        fieldLengths = lengths
        fieldCapacity = newCapacity
    }
}

/// Where libcsv's callbacks put a record's fields: bytes one after another, and where each ends.
/// Plain memory reached through a raw pointer, grown with `realloc`.
struct FieldArena {
    var bytes: UnsafeMutablePointer<UInt8> = .allocate(capacity: 4096)
    var capacity = 4096
    var count = 0
    var ends: UnsafeMutablePointer<Int> = .allocate(capacity: 64)
    var endsCapacity = 64
    var fieldCount = 0
    var rows = 0
    /// Fields in the first row libcsv ended (the record has more rows only at a stray carriage return).
    var firstRowFieldCount = 0

    mutating func reset() {
        count = 0
        fieldCount = 0
        rows = 0
        firstRowFieldCount = 0
    }

    mutating func append(_ source: UnsafeRawPointer, _ length: Int) {
        // 8 bytes always spare past the fields, for the number parser's eight-byte reads.
        if count + length + 8 > capacity {
            let newCapacity = max(capacity * 2, count + length + 8)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: bytes, count: count)
            bytes.deallocate()
            bytes = grown
            capacity = newCapacity
        }
        (bytes + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: length)
        count += length
    }

    mutating func endField() {
        if fieldCount == endsCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
            grown.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = grown
            endsCapacity *= 2
        }
        ends[fieldCount] = count
        fieldCount += 1
    }

    func release() {
        bytes.deallocate()
        ends.deallocate()
    }
}

private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
    bytes, length, context in
    let arena = context!.assumingMemoryBound(to: FieldArena.self)
    if let bytes, length > 0 { arena.pointee.append(bytes, length) }
    arena.pointee.endField()
}

private let rowCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
    let arena = context!.assumingMemoryBound(to: FieldArena.self)
    if arena.pointee.rows == 0 { arena.pointee.firstRowFieldCount = arena.pointee.fieldCount }
    arena.pointee.rows += 1
}
