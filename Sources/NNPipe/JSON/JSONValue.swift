/// A parsed JSON document: nnpipe's JSON models, scaler files and safetensors headers.
///
/// nnpipe reads model files with this small parser rather than Foundation's: a wide model is
/// hundreds of thousands of numbers, which `JSONSerialization` boxes one by one (seconds and tens
/// of megabytes); here numbers are parsed in place by ``FloatParser`` and syntax errors name the
/// line and column.
package enum JSONValue: Equatable, Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case number(Double)
    case string(String)
    case bool(Bool)
    case null

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// A short name of the value's kind, for messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "a list"
        case .number: "a number"
        case .string: "a string"
        case .bool: "true or false"
        case .null: "null"
        }
    }

    /// Parses a whole JSON document.
    package static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.document()
    }
}

/// A JSON syntax error, at a 1-based line and column.
package struct JSONSyntaxError: Error, Equatable {
    package var line: Int
    package var column: Int
    package var problem: String
}

private struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var line = 1
    var lineStart = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ problem: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: position - lineStart + 1, problem: problem)
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        let value = try self.value()
        skipSpace()
        if position < bytes.count { throw error("unexpected text after the JSON value") }
        return value
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D: position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = position
            default: return
            }
        }
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        skipSpace()
        guard position < bytes.count else { throw error("unexpected end of file") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    mutating func literal(_ word: String) throws(JSONSyntaxError) {
        for byte in word.utf8 {
            guard position < bytes.count, bytes[position] == byte else { throw error("expected '\(word)'") }
            position += 1
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > 64 { throw error("nested more than 64 levels deep") }
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        try elements(close: UInt8(ascii: "}"), inside: "an object") { (parser: inout JSONParser) throws(JSONSyntaxError) in
            parser.skipSpace()
            guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "\"") else {
                throw parser.error("expected a quoted key")
            }
            let key = try parser.string()
            parser.skipSpace()
            guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: ":") else {
                throw parser.error("expected ':' after a key")
            }
            parser.position += 1
            members.append((key, try parser.value()))
        }
        return .object(members)
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        var elements: [JSONValue] = []
        try self.elements(close: UInt8(ascii: "]"), inside: "a list") { (parser: inout JSONParser) throws(JSONSyntaxError) in
            elements.append(try parser.value())
        }
        return .array(elements)
    }

    /// Reads the comma-separated entries of the object or list that opens at ``position``, up to
    /// its `close` byte, with `entry` reading each one; `inside` names the container in messages.
    mutating func elements(close: UInt8, inside: String,
                           _ entry: (inout JSONParser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try enter()
        position += 1
        skipSpace()
        if position < bytes.count, bytes[position] == close {
            position += 1
            depth -= 1
            return
        }
        while true {
            try entry(&self)
            skipSpace()
            guard position < bytes.count else { throw error("unexpected end of file inside \(inside)") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == close { position += 1; break }
            throw error("expected ',' or '\(Character(Unicode.Scalar(close)))' in \(inside)")
        }
        depth -= 1
    }

    mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
                        throw error("bad \\u escape")
                    }
                    position += 4
                    text.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
                default: text.append(escaped)
                }
            case 0x0A:
                throw error("line break inside a string")
            default:
                text.append(byte)
            }
        }
        throw error("unterminated string")
    }

    mutating func number() throws(JSONSyntaxError) -> Double {
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
            default:
                return try finishNumber(start)
            }
        }
        return try finishNumber(start)
    }

    mutating func finishNumber(_ start: Int) throws(JSONSyntaxError) -> Double {
        guard position > start else {
            throw error("unexpected character '\(String(decoding: [bytes[start]], as: UTF8.self))'")
        }
        let value = bytes.withUnsafeBufferPointer { FloatParser.parse($0.baseAddress! + start, count: position - start) }
        guard let value else {
            position = start
            throw error("not a finite number")
        }
        return value
    }
}
