/// The `softmax` stage: softmax over each row's current values, in place, for models whose last
/// layer is linear. It takes no options:
///
/// ```yaml
///   - softmax:          # or softmax: {}
/// ```
struct SoftmaxStage: Stage {
    var kind: String { "softmax" }

    func link(_ link: inout StageLink) {}

    var descriptionLines: [String] { ["  softmax"] }

    var reportFields: [String: Any] { [:] }

    func makeWorker(delimiter: UInt8) -> any StageWorker { Worker() }

    private final class Worker: StageWorker {
        func run(_ values: UnsafeMutablePointer<Double>, rows: Int, width: Int,
                 groups: inout [ColumnGroup]) -> UnsafeMutablePointer<Double> {
            for r in 0..<rows { Activation.softmax(values + r * width, count: width) }
            return values
        }
    }

    @Sendable static func load(_ cursor: YAMLCursor, _ context: LoadContext) -> (any Stage)? {
        switch cursor.node {
        case .scalar where cursor.isNull: return SoftmaxStage()
        case .mapping(let mapping) where mapping.isEmpty: return SoftmaxStage()
        default:
            cursor.report("this stage takes no options")
            return nil
        }
    }
}
