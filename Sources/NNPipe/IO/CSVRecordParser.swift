import CCSV

/// Splits one CSV record into fields with libcsv (strict RFC 4180), keeping field bytes exactly
/// as written (libcsv's default trimming of spaces around unquoted fields is turned off).
///
/// One parser per worker; it is reused for every record. libcsv calls back through C function
/// pointers, which cannot capture context, so the parser reaches `self` through libcsv's `data`
/// argument. Fields are copied into one reused arena: `fieldBytes` with `fieldEnds`.
final class CSVRecordParser {
    private let parser: UnsafeMutablePointer<csv_parser>
    /// The current record's field bytes, one after another.
    private(set) var fieldBytes: [UInt8] = []
    /// Where each field ends in `fieldBytes` (exclusive).
    private(set) var fieldEnds: [Int] = []
    private var rows = 0

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
        parser = .allocate(capacity: 1)
        parser.initialize(to: csv_parser())
        // csv_init fails only for invalid options; these are constant and valid.
        _ = csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_delim(parser, delimiter)
        csv_set_space_func(parser, { _ in 0 })
        fieldBytes.reserveCapacity(4096)
        fieldEnds.reserveCapacity(64)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    var fieldCount: Int { fieldEnds.count }

    /// Parses one whole record (with or without its line terminator).
    func parse(_ record: UnsafePointer<UInt8>, count: Int) throws(Problem) {
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        rows = 0
        let context = Unmanaged.passUnretained(self).toOpaque()
        let consumed = csv_parse(parser, record, count, Self.fieldCallback, Self.rowCallback, context)
        if consumed != count {
            let field = fieldEnds.count + 1
            _ = csv_fini(parser, nil, nil, nil)  // reset for the next record
            throw .malformedQuote(field: field)
        }
        if csv_fini(parser, Self.fieldCallback, Self.rowCallback, context) != 0 {
            let field = fieldEnds.count + 1
            _ = csv_fini(parser, nil, nil, nil)
            throw .unterminatedQuote(field: field)
        }
        if rows > 1 {
            throw .strayCarriageReturn(field: fieldEnds.count)
        }
    }

    /// Calls `body` with field `i`'s bytes.
    @inline(__always)
    func withField<R>(_ i: Int, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        let start = i == 0 ? 0 : fieldEnds[i - 1]
        return try fieldBytes.withUnsafeBufferPointer { try body($0.baseAddress! + start, fieldEnds[i] - start) }
    }

    private static let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
        bytes, length, context in
        let parser = Unmanaged<CSVRecordParser>.fromOpaque(context!).takeUnretainedValue()
        if let bytes, length > 0 {
            parser.fieldBytes.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: length))
        }
        parser.fieldEnds.append(parser.fieldBytes.count)
    }

    private static let rowCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
        let parser = Unmanaged<CSVRecordParser>.fromOpaque(context!).takeUnretainedValue()
        parser.rows += 1
    }
}
