import Testing

/// Writes `rows` good rows (`id,x1,x2`) to `name` in `dir`, fast (awk), for runs that must take a while.
func writeBigInput(_ dir: WorkDir, name: String = "big.csv", rows: Int) throws {
    try Shell.run(#"awk -v n=\#(rows) 'BEGIN { print "id,x1,x2"; for (i = 1; i <= n; i++) print i "," (i % 97) / 8 "," (i % 89) / 4 }' > \#(name)"#,
                  in: dir.url)
    #expect(dir.exists(name))
}
