/// A tiny model for format tests: y0 = x1 + 2·x2, y1 = x1 (identity).
let sumModel = #"{"layers": [{"weights": [[1, 1], [2, 0]], "bias": [0, 0], "activation": "identity"}]}"#
