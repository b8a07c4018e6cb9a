import Foundation
import Unrolled

/// The forecasting protocol: which months are predicted, from what, and how errors are measured.
///
/// Months are indexed 0 (January 1949) … 143 (December 1960). The notebook makes 139 windows of
/// 4 months (its window function stops one month early), trains on the first 93 and tests on
/// the last 46, so its test months are 97 … 142. Every model here is scored on exactly those
/// months, one step ahead (each forecast sees the true values before its month).
struct Forecasting {
    let y: [Double]
    static let testMonths = Array(97...142)
    /// The last month any model may train on.
    static let lastTrainingMonth = 96
    /// The validation folds used to choose models: the last two years of training months, each
    /// predicted by a model fitted on the months before it (rolling origin).
    static let validationFolds = [Array(73...84), Array(85...96)]

    /// Root mean squared error in thousands of passengers over `months`.
    func rmse(_ predictions: [Double], months: [Int]) -> Double {
        var s = 0.0
        for (p, m) in zip(predictions, months) { s += (p - y[m]) * (p - y[m]) }
        return (s / Double(months.count)).squareRoot()
    }

    // snippet.baselines
    /// Last month's value: `ŷ_t = y_{t-1}`.
    func persistence(_ m: Int) -> Double { y[m - 1] }
    /// The same month a year earlier: `ŷ_t = y_{t-12}`.
    func seasonalNaive(_ m: Int) -> Double { y[m - 12] }
    /// A year earlier, times the growth over the last year: `ŷ_t = y_{t-12} · y_{t-1} / y_{t-13}`.
    func seasonalGrowth(_ m: Int) -> Double { y[m - 12] * y[m - 1] / y[m - 13] }
    // snippet.end
}

/// How a model sees the series: what its inputs and targets are, and how a prediction becomes
/// passengers again. Every scale is fitted on `scaleMonths` only.
struct Representation {
    enum Kind: String { case raw, seasonalLogDifference = "seasonal-log-diff", airline = "seasonal-and-monthly-log-diff" }
    let kind: Kind
    let window: Int
    let y: [Double]
    let offset: Double, scale: Double

    // snippet.seasonal-difference
    /// `z_t = log y_t − log y_{t−12}`: the change against the same month a year earlier, on a log
    /// scale. Trend and seasonality are both gone; what is left is the year-on-year growth rate.
    static func seasonalLogDifference(_ y: [Double], _ m: Int) -> Double {
        log(y[m]) - log(y[m - 12])
    }
    // snippet.end

    // snippet.airline-difference
    /// `d_t = z_t − z_{t−1}`: the change in the year-on-year growth rate since last month (Box and
    /// Jenkins's differencing for this very series). A prediction of `d_t = 0` is the seasonal
    /// growth baseline, `ŷ_t = y_{t−12} · y_{t−1} / y_{t−13}`; a model of `d` learns corrections
    /// to it.
    static func seasonalAndMonthlyLogDifference(_ y: [Double], _ m: Int) -> Double {
        seasonalLogDifference(y, m) - seasonalLogDifference(y, m - 1)
    }
    // snippet.end

    /// The unscaled value of month `m` in this representation.
    func value(_ m: Int) -> Double { Self.value(kind, y, m) }

    static func value(_ kind: Kind, _ y: [Double], _ m: Int) -> Double {
        switch kind {
        case .raw: y[m]
        case .seasonalLogDifference: seasonalLogDifference(y, m)
        case .airline: seasonalAndMonthlyLogDifference(y, m)
        }
    }

    /// The first month with a value in this representation.
    static func firstMonth(_ kind: Kind) -> Int {
        switch kind { case .raw: 0; case .seasonalLogDifference: 12; case .airline: 13 }
    }

    /// The first month that can be a target (it needs `window` earlier values).
    var firstTarget: Int { Self.firstMonth(kind) + window }

    /// Raw values: min-max to [0, 1]; differences: standardized. Fitted on `scaleMonths`.
    init(_ kind: Kind, window: Int, y: [Double], scaleMonths: [Int]) {
        self.kind = kind
        self.window = window
        self.y = y
        let months = scaleMonths.filter { $0 >= Self.firstMonth(kind) }
        let values = months.map { Self.value(kind, y, $0) }
        switch kind {
        case .raw:
            offset = values.min()!
            scale = values.max()! - values.min()!
        case .seasonalLogDifference, .airline:
            offset = Differencing.mean(values)
            scale = Differencing.standardDeviation(values)
        }
    }

    /// The window before month `m`, scaled, `[L]`.
    func input(_ m: Int) -> [Double] { ((m - window)..<m).map { (value($0) - offset) / scale } }
    /// The scaled target of month `m`.
    func target(_ m: Int) -> Double { (value(m) - offset) / scale }
    /// A scaled prediction for month `m`, in thousands of passengers.
    func passengers(_ prediction: Double, month m: Int) -> Double {
        let v = prediction * scale + offset
        switch kind {
        case .raw: return v
        case .seasonalLogDifference: return y[m - 12] * exp(v)
        case .airline: return y[m - 12] * y[m - 1] / y[m - 13] * exp(v)
        }
    }
}

/// Ordinary least squares with an intercept, `ŷ = w_0 + Σ_i w_i x_i`, solved from the normal
/// equations by Gaussian elimination with partial pivoting.
struct LinearAutoregression {
    let weights: [Double]

    init(inputs: [[Double]], targets: [Double]) {
        let n = inputs[0].count + 1
        var a = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
        for (x, t) in zip(inputs, targets) {
            let row = [1.0] + x
            for i in 0..<n {
                for j in 0..<n { a[i][j] += row[i] * row[j] }
                a[i][n] += row[i] * t
            }
        }
        for c in 0..<n {
            let p = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, p)
            for r in (c + 1)..<n {
                let f = a[r][c] / a[c][c]
                for k in c...n { a[r][k] -= f * a[c][k] }
            }
        }
        var w = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = a[r][n]
            for k in (r + 1)..<n { s -= a[r][k] * w[k] }
            w[r] = s / a[r][r]
        }
        weights = w
    }

    func predict(_ x: [Double]) -> Double {
        var s = weights[0]
        for (i, v) in x.enumerated() { s += weights[i + 1] * v }
        return s
    }
}
