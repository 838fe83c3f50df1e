#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// printf-style text of a few numbers (`"%.3f"`, `"%ld:%02ld"`; numbers only: a Swift `String`
/// is no C string for `%s`), by C's `vsnprintf` in the "C" locale, which nnpipe never changes: a
/// dot for the decimal point, no digit grouping.
///
/// Not Foundation's `String(format:)`: its first use loads ICU and a locale, several MiB of
/// resident memory, and a run formats its figures at its end, where that lands on the run's peak.
package func printfFormat(_ format: String, _ arguments: any CVarArg...) -> String {
    var size = 64
    while true {
        var buffer = [CChar](repeating: 0, count: size)
        // A va_list is spent once read: a new one for each try.
        let length = Int(withVaList(arguments) { vsnprintf(&buffer, size, format, $0) })
        guard length >= 0 else { return "" }
        if length < size { return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        size = length + 1
    }
}
