import Foundation
import Testing

/// Scaler files in scikit-learn's own words (and nnpipe's older `mean`/`min` forms), run over
/// two features with a constant column, and the mistakes such files can hold.
@Suite("Scaler files: scikit-learn's attributes")
struct ScalerFileTests {
    /// Runs `scale: {file: s.json}` then an identity layer over rows (a, b), returning the output rows.
    static func run(_ scaler: String, rows: String = "1,2,5\n2,-3,5\n") throws -> (status: Int32, stderr: String, rows: [[Double]]) {
        let dir = try WorkDir()
        _ = try dir.write("in.csv", "id,a,b\n" + rows)
        _ = try dir.write("s.json", scaler)
        _ = try dir.write("m.json", #"{"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "identity"}]}"#)
        _ = try dir.write("p.yaml", """
            stages:
              - read: {path: in.csv, features: [a, b], carry: [id]}
              - scale: {file: s.json}
              - forward: {model: m.json}
              - write: {path: out.csv}
            """)
        let result = try dir.nnpipe("run", "p.yaml")
        let out = result.status == 0 ? numericRows(try dir.text("out.csv")).map(\.values) : []
        return (result.status, result.stderr, out)
    }

    @Test("a StandardScaler's attributes: (x - mean_) / scale_, with_mean and with_std honoured")
    func standard() throws {
        let fitted = try Self.run(#"{"with_mean": true, "with_std": true, "mean_": [1.5, 5.0], "var_": [4.0, 0.0], "scale_": [2.0, 1.0], "n_features_in_": 2, "n_samples_seen_": 2}"#)
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let expected: [[Double]] = [[(2 - 1.5) / 2, 0], [(-3 - 1.5) / 2, 0]]
        #expect(fitted.rows == expected)
        let noMean = try Self.run(#"{"with_mean": false, "mean_": [1.5, 5.0], "scale_": [2.0, 1.0]}"#)
        #expect(noMean.rows == [[1, 5], [-1.5, 5]], "\(noMean.stderr)")
        let noStd = try Self.run(#"{"with_std": false, "mean_": [1.5, 5.0], "var_": null, "scale_": null}"#)
        #expect(noStd.rows == [[0.5, 0], [-4.5, 0]], "\(noStd.stderr)")
    }

    @Test("a MinMaxScaler's attributes: x * scale_ + min_, a constant column included, clip honoured")
    func minMax() throws {
        // MinMaxScaler(feature_range=(-1, 1)).fit([[2, 5], [-3, 5]]): b is constant.
        let scale = [2.0 / 5.0, 2.0], minimum = [-1 - (-3.0) * (2.0 / 5.0), -1 - 5.0 * 2.0]
        let text = #"{"feature_range": [-1, 1], "clip": false, "n_features_in_": 2, "n_samples_seen_": 2, "scale_": [\#(scale[0]), \#(scale[1])], "min_": [\#(minimum[0]), \#(minimum[1])], "data_min_": [-3.0, 5.0], "data_max_": [2.0, 5.0], "data_range_": [5.0, 0.0]}"#
        let fitted = try Self.run(text, rows: "1,2,5\n2,-3,5\n3,7,5\n")
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let transformed = { (x: Double, column: Int) -> Double in x * scale[column] + minimum[column] }
        let expected: [[Double]] = [[transformed(2, 0), transformed(5, 1)], [transformed(-3, 0), transformed(5, 1)], [transformed(7, 0), transformed(5, 1)]]
        #expect(fitted.rows == expected)
        let derived = try Self.run(#"{"feature_range": [-1, 1], "clip": false, "data_min_": [-3.0, 5.0], "data_max_": [2.0, 5.0]}"#, rows: "1,2,5\n")
        #expect(derived.rows == [expected[0]], "\(derived.stderr)")
        let clipped = try Self.run(#"{"feature_range": [-1, 1], "clip": true, "data_min_": [-3.0, 5.0], "data_max_": [2.0, 5.0]}"#, rows: "1,7,5\n")
        #expect(clipped.rows.first?.first == 1, "\(clipped.stderr)")
    }

    @Test("nnpipe's min/max form divides by 1 for a constant feature, as scikit-learn does")
    func constantMinMax() throws {
        let result = try Self.run(#"{"min": [-3, 5], "max": [2, 5]}"#)
        #expect(result.rows == [[1, 0], [0, 0]], "\(result.stderr)")
    }

    @Test("mistakes in scikit-learn scaler files are refused, saying what is wrong")
    func mistakes() throws {
        let cases: [(String, String)] = [
            (#"{"center_": [0, 0], "scale_": [1, 1]}"#, "center_: not an attribute of StandardScaler or MinMaxScaler"),
            (#"{"min_": [0, 0], "scale_": [1, 1], "data_min_": [0, 0], "data_max_": [2, 2]}"#, "min_ and scale_ do not agree with data_min_"),
            (#"{"with_mean": true, "mean_": [0, 0], "scale_": [1, 0]}"#, "scale_[1]: is 0"),
            (#"{"with_mean": true, "mean_": [0, 0, 1], "scale_": [1, 1, 1]}"#, "scales 3 values"),
            // Settings transform() depends on that the attributes alone do not tell.
            (#"{"mean_": [0, 0], "var_": [1, 1], "scale_": [1, 1]}"#, "with_mean: missing: mean_ and scale_ are stored whether or not"),
            (#"{"min_": [0, 0], "scale_": [1, 1], "feature_range": [0, 1]}"#, "clip: missing: transform() clips or not"),
            (#"{"mean_": [0, "x"], "scale_": [1, 1]}"#, "mean_[1]: expected a finite number"),
            (#"{"scale_": [1, 1], "n_features_in_": 3}"#, "n_features_in_: is 3.0 but the scaler holds 2 values"),
        ]
        for (text, phrase) in cases {
            let result = try Self.run(text)
            #expect(result.status == 78, "\(text)")
            #expect(result.stderr.contains(phrase), "\(text): \(result.stderr)")
        }
    }
}
