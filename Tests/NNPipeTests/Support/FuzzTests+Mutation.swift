extension FuzzTests {
    /// `input` with one to eight random edits: bytes replaced (at random or by one that means
    /// something to CSV, gzip or JSON), inserted, deleted, the end cut off, or a run duplicated.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x00, 0xFF, 0x1F, 0x8B, 0x2E, 0x65, 0x2D, 0x20, 0x3A, 0x5B, 0x7B]
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            guard !bytes.isEmpty else { bytes.append(interesting.randomElement(using: &rng)!); continue }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes[at] = interesting.randomElement(using: &rng)!
            case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: at)
            case 3: bytes.remove(at: at)
            case 4: bytes.removeLast(Int.random(in: 0...min(bytes.count, 64), using: &rng))
            default:
                let end = min(bytes.count, at + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            }
        }
        return bytes
    }
}
