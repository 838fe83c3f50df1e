import Foundation
import Testing

/// Expects two files' bytes to be the same, and says where they part when they do not: their
/// sizes, the first differing byte's offset and line, and the text around it. The two `Data` are
/// never handed to `#expect`, whose report of a failed `==` on two collections computes their
/// difference: on outputs of megabytes that does not end, and a broken run would hang the suite
/// instead of failing it.
func expectSameBytes(_ actual: Data?, _ expected: Data?, _ comment: @autoclosure () -> String = "",
                     sourceLocation: SourceLocation = #_sourceLocation) {
    guard let difference = bytesDifference(actual, expected) else { return }
    let context = comment()
    Issue.record(Comment(rawValue: context.isEmpty ? difference : "\(context): \(difference)"),
                 sourceLocation: sourceLocation)
}

/// nil when the bytes are the same (or both are missing); otherwise one line that says how they differ.
func bytesDifference(_ actual: Data?, _ expected: Data?) -> String? {
    switch (actual, expected) {
    case (nil, nil): return nil
    case (nil, let expected?): return "missing, expected \(expected.count) bytes"
    case (let actual?, nil): return "\(actual.count) bytes, expected none (missing)"
    case (let actual?, let expected?):
        if actual == expected { return nil }
        let a = [UInt8](actual), e = [UInt8](expected)
        let at = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        let line = 1 + a[..<at].lazy.filter { $0 == UInt8(ascii: "\n") }.count
        func around(_ bytes: [UInt8]) -> String {
            let window = bytes[max(0, at - 24)..<min(bytes.count, at + 24)]
            return String(decoding: window, as: UTF8.self).debugDescription
        }
        return "\(actual.count) bytes, expected \(expected.count); first difference at byte \(at) (line \(line)): "
            + "\(around(a)) against \(around(e))"
    }
}
