import Testing
@testable import NNPipe

/// `printfFormat`, the figures' formatting without Foundation's locale machinery.
@Suite("printf-style figures")
struct PrintfFormatTests {
    @Test("numbers as the C locale writes them")
    func cases() {
        #expect(printfFormat("%.3f", 0.1204) == "0.120")
        #expect(printfFormat("%.3f", 1234567.0) == "1234567.000")
        #expect(printfFormat("%.0f", 2.5e6) == "2500000")
        #expect(printfFormat("%.6f", -0.0000004) == "-0.000000")
        #expect(printfFormat("%.3g", 12.3456) == "12.3")
        #expect(printfFormat("%ld:%02ld:%02ld", 1, 2, 3) == "1:02:03")
        #expect(printfFormat("\\u%04x", UInt32(0x1F)) == "\\u001f")
        #expect(printfFormat("%.1f", Double.nan) == "nan")
    }

    @Test("text longer than the first buffer")
    func long() {
        let text = printfFormat("%.3f", 1e80)
        #expect(text.count == 85 && text.hasPrefix("1000000000000000") && text.hasSuffix(".000"), "\(text)")
        #expect(printfFormat("%.2f%%", 12.5) == "12.50%")
    }
}
