/// The rule by which layer names give an order: every name has the same skeleton (the name with
/// each run of digits replaced by `#`) and the names differ only in their numbers, which are
/// then compared as tuples, first number first.
///
/// | names | skeleton | order |
/// |---|---|---|
/// | `fc1`, `fc2`, `fc10` | `fc#` | 1, 2, 10 |
/// | `net.0`, `net.2`, `net.4` | `net.#` | 0, 2, 4 |
/// | `blocks.0.fc1`, `blocks.0.fc2`, `blocks.1.fc1` | `blocks.#.fc#` | (0,1), (0,2), (1,1) |
/// | `encoder.0`, `decoder.0` | `encoder.#`, `decoder.#` | none |
/// | `fc1`, `fc2`, `out` | `fc#`, `out` | none |
/// | `input_layer`, `hidden`, `output` | no numbers | none |
enum LayerNumbering {
    /// A name's skeleton and its numbers, or nil when a run of digits is too long to be a number.
    static func key(_ name: String) -> (skeleton: String, numbers: [Int])? {
        var skeleton = ""
        var numbers: [Int] = []
        var digits = ""
        func endDigits() -> Bool {
            guard !digits.isEmpty else { return true }
            guard digits.count <= 18, let number = Int(digits) else { return false }
            numbers.append(number)
            skeleton.append("#")
            digits = ""
            return true
        }
        for character in name {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                guard endDigits() else { return nil }
                skeleton.append(character)
            }
        }
        guard endDigits() else { return nil }
        return (skeleton, numbers)
    }

    /// The indices of `names` in the order their numbers give, or nil when the names carry no
    /// order: fewer than two names, skeletons that differ, no numbers, or two names with the
    /// same numbers (`fc1` and `fc01`).
    static func order(_ names: [String]) -> [Int]? {
        guard names.count >= 2 else { return nil }
        var keys: [(skeleton: String, numbers: [Int])] = []
        for name in names {
            guard let key = key(name) else { return nil }
            keys.append(key)
        }
        let skeleton = keys[0].skeleton
        guard !keys[0].numbers.isEmpty, keys.allSatisfy({ $0.skeleton == skeleton }) else { return nil }
        let sorted = names.indices.sorted { keys[$0].numbers.lexicographicallyPrecedes(keys[$1].numbers) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where keys[a].numbers == keys[b].numbers { return nil }
        return sorted
    }
}
