import Foundation
import Testing

/// Writes `rows` good rows (`id,x1,x2`) to `name` in `dir`, fast (awk), for runs that must take a while.
func writeBigInput(_ dir: WorkDir, name: String = "big.csv", rows: Int) throws {
    try Shell.run(#"awk -v n=\#(rows) 'BEGIN { print "id,x1,x2"; for (i = 1; i <= n; i++) print i "," (i % 97) / 8 "," (i % 89) / 4 }' > \#(name)"#,
                  in: dir.url)
    #expect(dir.exists(name))
}

/// Writes the rows of fixture `folder`'s input.csv `times` over under its header, as `name` in
/// `dir`: a real input made long enough to be cut into many chunks.
func writeRepeatedFixtureInput(_ dir: WorkDir, from folder: URL, times: Int, name: String = "in.csv") throws {
    let text = try String(contentsOf: folder.appendingPathComponent("input.csv"), encoding: .utf8)
    let header = text.prefix { $0 != "\n" }
    try dir.write(name, String(header) + "\n" + String(repeating: String(text.dropFirst(header.count + 1)), count: times))
}
