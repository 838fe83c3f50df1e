/// Environment variables in pipeline values, as a shell expands them, so one pipeline file serves
/// every day and every machine (`path: ${DATA_DIR}/${DAY:?set DAY}.csv.gz`).
///
/// | form | value |
/// |---|---|
/// | `${NAME}` | NAME's value; an error when NAME is unset (empty is empty) |
/// | `${NAME:-word}` | NAME's value, or `word` when NAME is unset or empty |
/// | `${NAME-word}` | NAME's value, or `word` when NAME is unset |
/// | `${NAME:?message}` | NAME's value; an error saying `message` when NAME is unset or empty |
/// | `${NAME?message}` | NAME's value; an error saying `message` when NAME is unset |
/// | `$$` | a literal `$` |
///
/// `word` and `message` may hold expansions themselves. Any other `$` is an error, so a typo such
/// as `$HOME` (no braces) is caught rather than read literally. Expansion works on a scalar's
/// value after YAML has read it, so quoting in the file is never affected by a variable's value.
/// Expansions nest at most ``maxDepth`` deep: the scanner recurses once per level, so a hostile
/// file of 50,000 nested `${A:-${A:-…}}` is refused instead of overflowing the stack.
package enum EnvironmentExpansion {
    /// The deepest nesting of `${…}` inside `${…}` a value may hold.
    package static let maxDepth = 32

    /// Why a value could not be expanded.
    package struct Problem: Error, Equatable, Sendable {
        /// The variable concerned, when there is one.
        package var variable: String?
        package var reason: String
    }

    /// Whether `text` holds anything to expand (a `$`).
    static func needsExpansion(_ text: String) -> Bool { text.utf8.contains(UInt8(ascii: "$")) }

    /// `text` with every expansion replaced by its value from `environment`.
    package static func expand(_ text: String, environment: [String: String]) throws(Problem) -> String {
        guard needsExpansion(text) else { return text }
        var scanner = Scanner(bytes: Array(text.utf8), environment: environment)
        let result = try scanner.expand(until: nil)
        return String(decoding: result, as: UTF8.self)
    }

    /// Walks the bytes of a value; `${` opens an expansion whose word ends at the matching `}`.
    private struct Scanner {
        let bytes: [UInt8]
        let environment: [String: String]
        var position = 0
        /// How many `${` enclose the current position.
        var depth = 0

        init(bytes: [UInt8], environment: [String: String]) {
            self.bytes = bytes
            self.environment = environment
        }

        /// Expands up to `terminator` (consumed) or the end of the text when `terminator` is nil.
        mutating func expand(until terminator: UInt8?) throws(Problem) -> [UInt8] {
            var output: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                if byte == terminator {
                    position += 1
                    return output
                }
                guard byte == UInt8(ascii: "$") else {
                    output.append(byte)
                    position += 1
                    continue
                }
                let next = position + 1 < bytes.count ? bytes[position + 1] : nil
                switch next {
                case UInt8(ascii: "$"):
                    output.append(byte)
                    position += 2
                case UInt8(ascii: "{"):
                    position += 2
                    output += try expansion()
                default:
                    throw Problem(variable: nil, reason: "a '$' must start ${NAME} (write $$ for a literal '$')")
                }
            }
            if terminator != nil {
                throw Problem(variable: nil, reason: "'${' without its closing '}'")
            }
            return output
        }

        /// One `${…}`, after its `${`.
        mutating func expansion() throws(Problem) -> [UInt8] {
            depth += 1
            defer { depth -= 1 }
            guard depth <= EnvironmentExpansion.maxDepth else {
                throw Problem(variable: nil, reason: "more than \(EnvironmentExpansion.maxDepth) expansions nested inside one another (${A:-${B:-…}}): \(EnvironmentExpansion.maxDepth) is the limit")
            }
            let nameStart = position
            while position < bytes.count, Self.isNameByte(bytes[position], first: position == nameStart) { position += 1 }
            let name = String(decoding: bytes[nameStart..<position], as: UTF8.self)
            guard position < bytes.count else {
                throw Problem(variable: name.isEmpty ? nil : name, reason: "'${' without its closing '}'")
            }
            guard !name.isEmpty else {
                throw Problem(variable: nil, reason: "'${' must be followed by a variable name (letters, digits, _; not starting with a digit)")
            }
            let value = environment[name]
            var colon = false
            if bytes[position] == UInt8(ascii: ":") {
                colon = true
                position += 1
            }
            let operation = position < bytes.count ? bytes[position] : nil
            switch operation {
            case UInt8(ascii: "}") where !colon:
                position += 1
                guard let value else { throw Problem(variable: name, reason: "environment variable \(name) is not set") }
                return Array(value.utf8)
            case UInt8(ascii: "-"):
                position += 1
                let word = try expand(until: UInt8(ascii: "}"))
                if let value, !(colon && value.isEmpty) { return Array(value.utf8) }
                return word
            case UInt8(ascii: "?"):
                position += 1
                let message = String(decoding: try expand(until: UInt8(ascii: "}")), as: UTF8.self)
                if let value, !(colon && value.isEmpty) { return Array(value.utf8) }
                let state = value == nil ? "not set" : "empty"
                throw Problem(variable: name, reason: "environment variable \(name) is \(state)" + (message.isEmpty ? "" : ": \(message)"))
            case nil:
                throw Problem(variable: name, reason: "'${' without its closing '}'")
            default:
                if !bytes[position...].contains(UInt8(ascii: "}")) {
                    throw Problem(variable: name, reason: "'${' without its closing '}'")
                }
                let found = String(decoding: bytes[(colon ? position - 1 : position)...].prefix(2), as: UTF8.self)
                throw Problem(variable: name, reason: "'${\(name)\(found)…' is not an expansion: use ${\(name)}, ${\(name):-default} or ${\(name):?message}")
            }
        }

        static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"): true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): !first
            default: false
            }
        }
    }
}
