/// Which characters may separate fields: none that can be part of a number, on either side.
///
/// A written number is only ever split on the delimiter, never quoted, so a delimiter that can
/// occur inside one makes output that cannot be parsed back (`write.delimiter: "."` turns
/// `a,1.0,12.0` into `a.1.0.12.0`). What nnpipe writes for a value: `FloatFormatter`'s shortest
/// form (`ShortestDouble`: digits, `.`, `-`, `e`, `+` in the exponent, `inf`, `-inf`) or, with
/// `decimals`, `%.Nf` (digits, `.`, `-`, `inf`); every NaN as `nan`; class indices as digits.
/// nnpipe never writes `E`, but it is refused too: the set is then a number's characters as the
/// read side accepts them, plus `nan` and `inf`'s letters, one rule whatever `decimals` says
/// (fixed decimals never write `e` or `+`, but a rule that changed with `decimals` would turn a
/// working pipeline into a broken one when `decimals` is removed). Labels, header names and carried fields are
/// quoted when they hold the delimiter (``CSVText/appendField(_:delimiter:to:)``), so they need
/// no rule.
///
/// On the read side, a delimiter that can occur in a number that ``FloatParser`` accepts (digits,
/// `.`, a sign, an exponent's `e` or `E`) would split feature values silently: with `-`, the
/// value `-3` reads as an empty field and `3`; with `.`, `12.5` as `12` and `5`.
enum DelimiterRule {
    /// The input's delimiter (`read.delimiter`).
    case read
    /// The output's delimiter (`write.delimiter`).
    case write

    /// Characters of a number as ``FloatParser`` reads it.
    static let numberCharacters: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "+", "-", "e", "E"]
    /// Letters of `nan` and `inf`, as ``FloatFormatter`` writes NaN and the infinities.
    static let nonFiniteLetters: [Character] = ["n", "a", "i", "f"]

    /// The characters refused as this side's delimiter.
    var refused: [Character] {
        switch self {
        case .read: Self.numberCharacters
        case .write: Self.numberCharacters + Self.nonFiniteLetters
        }
    }

    /// Why `byte` cannot be this side's delimiter, or nil when it can.
    func problem(_ byte: UInt8) -> String? {
        let character = Character(Unicode.Scalar(byte))
        guard refused.contains(character) else { return nil }
        switch self {
        case .read:
            return "'\(character)' cannot be the input delimiter: it can occur inside a number "
                + "(digits, '.', '+', '-', 'e', 'E'), so feature values would be split apart"
        case .write:
            return "'\(character)' cannot be the output delimiter: it can occur inside a written number "
                + "(digits, '.', '+', '-', 'e', 'E', and the letters of nan and inf: 'n', 'a', 'i', 'f'), "
                + "so the output could not be parsed back; use another character, such as ',', ';', '|' or \"\\t\""
        }
    }
}
