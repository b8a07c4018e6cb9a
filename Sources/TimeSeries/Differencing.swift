import Unrolled

/// How much to difference the series, decided on the training months alone, before any network
/// is trained: Box and Jenkins's identification step for this very series.
///
/// `z_t` is the seasonal log-difference and `d_t = z_t − z_{t−1}` the same differenced once
/// more. A series that still needs differencing wanders: its autocorrelation decays slowly and
/// differencing it shrinks it. A series differenced once too often gains variance instead, and
/// its lag-1 autocorrelation turns negative.
struct Differencing {
    /// `z_t` over the training months that have it, `[N]`.
    let seasonal: [Double]
    /// `d_t` over the training months that have it, `[N − 1]`.
    let monthly: [Double]

    init(y: [Double], months: [Int]) {
        seasonal = months.filter { $0 >= Representation.firstMonth(.seasonalLogDifference) }
            .map { Representation.seasonalLogDifference(y, $0) }
        monthly = months.filter { $0 >= Representation.firstMonth(.airline) }
            .map { Representation.seasonalAndMonthlyLogDifference(y, $0) }
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

    static func standardDeviation(_ x: [Double]) -> Double {
        let m = mean(x)
        return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)).squareRoot()
    }

    /// The sample autocorrelation at lag `k`: `Σ_t (x_t − x̄)(x_{t−k} − x̄) / Σ_t (x_t − x̄)²`.
    static func autocorrelation(_ x: [Double], lag k: Int) -> Double {
        let m = mean(x)
        var num = 0.0, den = 0.0
        for t in 0..<x.count {
            den += (x[t] - m) * (x[t] - m)
            if t >= k { num += (x[t] - m) * (x[t - k] - m) }
        }
        return num / den
    }

    // snippet.differencing-rule
    /// Difference once more only if it lowers the standard deviation on the training months
    /// (a series differenced once too often gets noisier, not smoother).
    var chosenKind: Representation.Kind {
        Self.standardDeviation(monthly) < Self.standardDeviation(seasonal)
            ? .airline : .seasonalLogDifference
    }
    // snippet.end

    /// Autocorrelations of both series at lags 1 … 12.
    var table: CSVTable {
        var t = CSVTable(["lag", "autocorrelation_seasonal", "autocorrelation_seasonal_and_monthly"])
        for k in 1...12 {
            t.append(["\(k)", Format.fixed(Self.autocorrelation(seasonal, lag: k), decimals: 2),
                      Format.fixed(Self.autocorrelation(monthly, lag: k), decimals: 2)])
        }
        return t
    }

    var summary: [(String, Double)] {
        [("std_seasonal_training", Self.standardDeviation(seasonal)),
         ("std_seasonal_and_monthly_training", Self.standardDeviation(monthly)),
         ("acf1_seasonal_training", Self.autocorrelation(seasonal, lag: 1)),
         ("acf1_seasonal_and_monthly_training", Self.autocorrelation(monthly, lag: 1)),
         ("mean_growth_training", Self.mean(seasonal))]
    }
}
