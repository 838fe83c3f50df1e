import Foundation
import Testing

@Suite("Headerless inputs are read in order")
struct HeaderlessInputOrderTests {
    /// Without a header, each input's first record is read when the input is opened; it must still
    /// come before the input's other records, whatever the chunk size.
    @Test(arguments: [1, 2, 3, 100])
    func everyInputsFirstRecordComesFirst(chunkRows: Int) throws {
        let dir = try WorkDir()
        try dir.write("m.json", sumModel)
        try dir.write("a.csv", "1,1,1\n2,2,2\n3,3,3\n")
        try dir.write("b.csv", "4,4,4\n5,5,5\n6,6,6\n")
        try dir.write("c.csv", "7,7,7\n")
        let result = try dir.nnpipe("run", "--model", "m.json", "--features", "1,2", "--carry", "0", "--no-header",
                                    "a.csv", "b.csv", "c.csv", "-o", "-", "--chunk-rows", "\(chunkRows)", "-q")
        #expect(result.status == 0, "\(result.stderr)")
        let ids = result.stdoutText.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(ids == ["1", "2", "3", "4", "5", "6", "7"], "chunk rows \(chunkRows): \(result.stdoutText)")
    }
}
