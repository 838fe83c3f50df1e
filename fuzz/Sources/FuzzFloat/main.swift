import FuzzSupport
import Glibc
@testable import NNPipe

/// Whether `text` is in ``FloatParser``'s grammar: spaces or tabs around, an optional sign,
/// digits with an optional point (at least one digit), an optional exponent with at least one
/// digit. Written plainly, as the oracle of what the parser must accept.
func inGrammar(_ text: [UInt8]) -> Bool {
    var i = 0, end = text.count
    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    while i < end, text[i] == 0x20 || text[i] == 0x09 { i += 1 }
    while end > i, text[end - 1] == 0x20 || text[end - 1] == 0x09 { end -= 1 }
    if i < end, text[i] == 0x2B || text[i] == 0x2D { i += 1 }
    var digits = 0
    while i < end, isDigit(text[i]) { i += 1; digits += 1 }
    if i < end, text[i] == 0x2E {
        i += 1
        while i < end, isDigit(text[i]) { i += 1; digits += 1 }
    }
    guard digits > 0 else { return false }
    if i < end, text[i] == 0x65 || text[i] == 0x45 {
        i += 1
        if i < end, text[i] == 0x2B || text[i] == 0x2D { i += 1 }
        let start = i
        while i < end, isDigit(text[i]) { i += 1 }
        guard i > start else { return false }
    }
    return i == end
}

/// strtod's double for `text` (in the grammar: no NUL byte in it).
func reference(_ text: [UInt8]) -> Double {
    (text + [0]).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
    }
}

/// Reads little-endian integers and digits from the fuzz input, zero past its end.
struct Recipe {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    mutating func byte() -> UInt8 {
        defer { at += 1 }
        return at < bytes.count ? bytes[at] : 0
    }
    mutating func uint16() -> Int { Int(byte()) | Int(byte()) << 8 }
}

/// A long or odd number text built from a recipe, so that short fuzz inputs reach fields of up to
/// about 1.3 MB: a sign, a run of leading zeros, significant digits, a run of trailing zeros, the
/// point among them, and an exponent that offsets the zeros by a chosen amount (landing near 1,
/// the subnormals or the overflow) or is written raw, with leading zeros of its own.
func recipeText(_ recipe: inout Recipe) -> [UInt8] {
    let flags = recipe.byte()
    var text: [UInt8] = []
    if flags & 0x01 != 0 { text.append(0x20) }
    switch flags >> 1 & 3 {
    case 1: text.append(0x2D)
    case 2: text.append(0x2B)
    default: break
    }
    // Runs of zeros: most often short (an execution stays fast); up to 8191 leading and 4095
    // trailing ones when a flag says so, and up to 1.3 MB leading when two do.
    let leading: Int
    switch flags & 0x28 {
    case 0x28: leading = recipe.uint16() * 20
    case 0x08: leading = recipe.uint16() % 8192
    default: leading = recipe.uint16() % 512
    }
    let trailing = recipe.uint16() % (flags & 0x40 != 0 ? 4096 : 256)
    let significant = Int(recipe.byte()) % 40 + 1
    var digits = [UInt8](repeating: 0x30, count: leading)
    for k in 0..<significant {
        let value = recipe.byte() % 10
        digits.append(0x30 + (k == 0 && value == 0 ? 1 : value))
    }
    digits += [UInt8](repeating: 0x30, count: trailing)
    // The point: none, before the digits, after the first zero, or at a chosen place.
    let pointChoice = recipe.uint16()
    let point: Int
    switch pointChoice & 3 {
    case 0: point = -1
    case 1: point = 0
    case 2: point = min(1, digits.count)
    default: point = (pointChoice >> 2) % (digits.count + 1)
    }
    if point < 0 {
        text += digits
    } else {
        text += digits[..<point]
        text.append(0x2E)
        text += digits[point...]
    }
    let exponentFlags = recipe.byte()
    if exponentFlags & 0x01 != 0 {
        text.append(exponentFlags & 0x02 != 0 ? 0x45 : 0x65)
        if exponentFlags & 0x04 != 0 {
            // Raw: up to 2^64 - 1, either sign.
            var raw: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { raw |= UInt64(recipe.byte()) << UInt64(shift) }
            text += exponentFlags & 0x08 != 0 ? [0x2D] : []
            text += Array(String(raw).utf8)
        } else {
            // The first significant digit moved to 10^target, target in -400…399.
            let pointAt = point < 0 ? digits.count : point
            let target = recipe.uint16() % 800 - 400
            let exponent = target - (pointAt - leading - 1)
            if exponent < 0 {
                text.append(0x2D)
            } else if exponentFlags & 0x08 != 0 {
                text.append(0x2B)
            }
            text += [UInt8](repeating: 0x30, count: Int(exponentFlags >> 4))
            text += Array(String(abs(exponent)).utf8)
        }
    }
    if flags & 0x10 != 0 { text.append(0x09) }
    return text
}

/// libFuzzer entry point: ``FloatParser`` against glibc's `strtod`, on the exponent and
/// long-number paths. Input byte 0 picks the mode: even, the rest of the input is the text itself;
/// odd, the rest is a recipe for a long or odd text (``recipeText(_:)``). Text in the parser's
/// grammar must parse to strtod's bits, alone and followed by bytes the eight-digit reads may
/// see (or be refused when strtod makes it infinite); text outside it must be refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let text: [UInt8]
    if data[0] & 1 == 0 {
        text = Array(rest)
    } else {
        var recipe = Recipe(bytes: rest)
        text = recipeText(&recipe)
    }
    let padded = text + Array("98765432,1e9".utf8)
    let (alone, inPlace) = padded.withUnsafeBufferPointer { buffer in
        (FloatParser.parse(buffer.baseAddress!, count: text.count),
         FloatParser.parse(buffer.baseAddress!, count: text.count, readable: buffer.count))
    }
    require(alone?.bitPattern == inPlace?.bitPattern,
            "parsed alone \(String(describing: alone)), in place \(String(describing: inPlace)): \(text)")
    guard inGrammar(text) else {
        require(alone == nil, "accepted text outside the grammar as \(String(describing: alone)): \(text)")
        return 0
    }
    let expected = reference(text)
    if expected.isFinite {
        require(alone?.bitPattern == expected.bitPattern,
                "strtod \(expected), parsed \(String(describing: alone)): \(text.count > 200 ? Array(text.prefix(100)) + Array(text.suffix(60)) : text)")
    } else {
        require(alone == nil, "strtod overflows, parsed \(String(describing: alone)): \(text.prefix(200))")
    }
    return 0
}
