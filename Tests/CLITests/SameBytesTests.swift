import Foundation
import Testing

/// The helper that compares outputs in this suite: it must say where two outputs part, and must
/// do so for outputs of megabytes (a failed `#expect(a == b)` on two `Data` that large does not end).
@Suite("comparing outputs byte for byte")
struct SameBytesTests {
    @Test("the same bytes, or both missing: no difference")
    func same() {
        #expect(bytesDifference(Data("a,1\n".utf8), Data("a,1\n".utf8)) == nil)
        #expect(bytesDifference(nil, nil) == nil)
        #expect(bytesDifference(Data(), Data()) == nil)
    }

    @Test("a changed byte: sizes, offset, line and the text around it")
    func changedByte() {
        let difference = bytesDifference(Data("id,y\na,1\nb,2\n".utf8), Data("id,y\na,1\nb,3\n".utf8))
        #expect(difference == #"13 bytes, expected 13; first difference at byte 11 (line 3): "id,y\na,1\nb,2\n" against "id,y\na,1\nb,3\n""#)
    }

    @Test("one a prefix of the other, or missing")
    func prefixOrMissing() {
        #expect(bytesDifference(Data("a,1\n".utf8), Data("a,1\nb,2\n".utf8))?.hasPrefix("4 bytes, expected 8; first difference at byte 4 (line 2)") == true)
        #expect(bytesDifference(nil, Data("x".utf8)) == "missing, expected 1 bytes")
        #expect(bytesDifference(Data("x".utf8), nil) == "1 bytes, expected none (missing)")
    }

    @Test("outputs of megabytes that differ near their end: reported, not a hang", .bounded(minutes: 10))
    func large() {
        let line = Data("row,0.12345678901234567,0.98765432109876543\n".utf8)
        var expected = Data(capacity: line.count * 100_000)
        for _ in 0..<100_000 { expected.append(line) }
        var actual = expected
        actual[actual.count - 3] = UInt8(ascii: "9")
        let difference = bytesDifference(actual, expected)
        #expect(difference?.contains("first difference at byte \(expected.count - 3) (line 100000)") == true, "\(difference ?? "none")")
    }
}
