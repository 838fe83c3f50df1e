/// The Python literals a `.npy` header is written in: `{'descr': '<f8', 'fortran_order': False,
/// 'shape': (3, 4), }` (numpy writes it with `repr`, and reads it back with `ast.literal_eval`).
///
/// Strings, integers, `True`/`False`/`None`, tuples, lists and dicts with trailing commas are
/// parsed; anything else is a problem naming the column.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: PythonLiteral, value: PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.none, .none): true
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): a == b
        case (.dict(let a), .dict(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Parses one literal filling `text` (surrounding spaces and a final newline allowed).
    static func parse(_ text: [UInt8]) throws(ModelError) -> PythonLiteral {
        var parser = Parser(text: text)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == text.count else { throw parser.problem("unexpected text after the header's dict") }
        return value
    }

    private struct Parser {
        let text: [UInt8]
        var position = 0

        func problem(_ what: String) -> ModelError {
            ModelError("bad .npy header at column \(position + 1): \(what)")
        }

        mutating func skipSpace() {
            while position < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws(ModelError) -> PythonLiteral {
            guard depth < 16 else { throw problem("nested too deeply") }
            skipSpace()
            guard position < text.count else { throw problem("unexpected end of the header") }
            switch text[position] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "("): return .tuple(try elements(close: UInt8(ascii: ")"), depth: depth))
            case UInt8(ascii: "["): return .list(try elements(close: UInt8(ascii: "]"), depth: depth))
            case UInt8(ascii: "{"): return try dict(depth: depth)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
            default:
                for (word, literal) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
                where text[position...].starts(with: word.utf8) {
                    position += word.utf8.count
                    return literal
                }
                throw problem("unexpected character '\(String(decoding: [text[position]], as: UTF8.self))'")
            }
        }

        mutating func string() throws(ModelError) -> String {
            let quote = text[position]
            position += 1
            var bytes: [UInt8] = []
            while position < text.count {
                let byte = text[position]
                position += 1
                if byte == quote { return String(decoding: bytes, as: UTF8.self) }
                if byte == UInt8(ascii: "\\") {
                    guard position < text.count else { break }
                    bytes.append(text[position])
                    position += 1
                } else {
                    bytes.append(byte)
                }
            }
            throw problem("unterminated string")
        }

        mutating func integer() throws(ModelError) -> Int {
            let start = position
            if text[position] == UInt8(ascii: "-") { position += 1 }
            while position < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[position]) { position += 1 }
            // numpy ≤ 1.x wrote dimensions of Python 2 longs as `3L`.
            let digits = String(decoding: text[start..<position], as: UTF8.self)
            if position < text.count, text[position] == UInt8(ascii: "L") { position += 1 }
            guard let value = Int(digits) else { throw problem("'\(digits)' is not an integer that fits in 64 bits") }
            return value
        }

        mutating func elements(close: UInt8, depth: Int) throws(ModelError) -> [PythonLiteral] {
            position += 1
            var result: [PythonLiteral] = []
            while true {
                skipSpace()
                guard position < text.count else { throw problem("unexpected end of the header") }
                if text[position] == close { position += 1; return result }
                result.append(try value(depth: depth + 1))
                skipSpace()
                guard position < text.count else { throw problem("unexpected end of the header") }
                if text[position] == UInt8(ascii: ",") { position += 1; continue }
                guard text[position] == close else { throw problem("expected ',' or '\(String(decoding: [close], as: UTF8.self))'") }
            }
        }

        mutating func dict(depth: Int) throws(ModelError) -> PythonLiteral {
            position += 1
            var members: [(key: PythonLiteral, value: PythonLiteral)] = []
            while true {
                skipSpace()
                guard position < text.count else { throw problem("unexpected end of the header") }
                if text[position] == UInt8(ascii: "}") { position += 1; return .dict(members) }
                let key = try value(depth: depth + 1)
                skipSpace()
                guard position < text.count, text[position] == UInt8(ascii: ":") else { throw problem("expected ':' after a key") }
                position += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard position < text.count else { throw problem("unexpected end of the header") }
                if text[position] == UInt8(ascii: ",") { position += 1; continue }
                guard text[position] == UInt8(ascii: "}") else { throw problem("expected ',' or '}'") }
            }
        }
    }
}
