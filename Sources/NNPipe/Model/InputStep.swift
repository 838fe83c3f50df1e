/// An elementwise step a model file applies to its inputs before its first layer: a scaler
/// written into the graph (scikit-learn's `StandardScaler` in a `Pipeline`, as ONNX `Sub`/`Div`
/// by constant vectors or the `ai.onnx.ml` `Scaler` operator).
///
/// `values` holds one value per input column, or one value for all; each input `x` becomes
/// `x - v`, `x + v`, `x * v` or `x / v`, one operation at a time, exactly as numpy computes it.
package struct InputStep: Sendable, Equatable {
    /// The arithmetic a step applies, with the step's value on the right.
    package enum Operation: String, Sendable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
    }

    package var operation: Operation
    /// One value per input column, or one for every column.
    package var values: [Double]
    /// Where the step came from (`Sub node 'scaler_sub'`), for `inspect` and `validate`.
    package var source: String

    package init(operation: Operation, values: [Double], source: String) {
        self.operation = operation
        self.values = values
        self.source = source
    }

    /// Applies the step in place to `rows` rows of `width` values (row-major); `roundsToFloat32`
    /// rounds each result to float32, as a float32 model computes it.
    func apply(to x: UnsafeMutablePointer<Double>, rows: Int, width: Int, roundsToFloat32: Bool) {
        let operation = operation
        values.withUnsafeBufferPointer { v in
            let perColumn = v.count != 1
            for r in 0..<rows {
                let row = x + r * width
                for c in 0..<width {
                    let value = v[perColumn ? c : 0]
                    var y: Double
                    switch operation {
                    case .add: y = row[c] + value
                    case .subtract: y = row[c] - value
                    case .multiply: y = row[c] * value
                    case .divide: y = row[c] / value
                    }
                    if roundsToFloat32 { y = Double(Float(y)) }
                    row[c] = y
                }
            }
        }
    }

    /// How `validate` and `inspect` show the step: `x - [5.8, 3.1, …] (Sub node 'sub')`.
    package var description: String {
        let shown = values.prefix(3).map { "\($0)" }.joined(separator: ", ")
        let list = values.count == 1 ? shown : "[\(shown)\(values.count > 3 ? ", …" : "")]"
        return "x \(operation.rawValue) \(list) (\(source))"
    }
}
