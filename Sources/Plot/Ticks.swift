import Foundation

/// Axis ticks at integer multiples of a "nice" step (1, 2 or 5 times a power of ten), the
/// approach of d3's `ticks`: each tick is computed as `i · step` (or `i / (1/step)` for steps
/// below one) rather than by repeated addition, so no rounding error accumulates.
public enum Ticks {
    /// The nice step for about `count` ticks over `[low, high]`.
    public static func step(_ low: Double, _ high: Double, count: Int) -> Double {
        let raw = max(high - low, 1e-300) / Double(max(count, 1))
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let error = raw / power
        let factor: Double = error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
        return factor * power
    }

    /// Tick values within `[low, high]`.
    public static func values(_ low: Double, _ high: Double, count: Int) -> [Double] {
        let s = step(low, high, count: count)
        if s >= 1 {
            let first = Foundation.ceil(low / s), last = Foundation.floor(high / s)
            guard first <= last else { return [] }
            return (Int(first)...Int(last)).map { Double($0) * s }
        }
        let inverse = (1 / s).rounded()
        let first = Foundation.ceil(low * inverse), last = Foundation.floor(high * inverse)
        guard first <= last else { return [] }
        return (Int(first)...Int(last)).map { Double($0) / inverse }
    }

    /// `[low, high]` widened to multiples of the tick step.
    public static func nice(_ low: Double, _ high: Double, count: Int) -> (Double, Double) {
        var lo = low, hi = high
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let s = step(lo, hi, count: count)
        return (Foundation.floor(lo / s) * s, Foundation.ceil(hi / s) * s)
    }

    /// A label with as many decimals as the step needs: `max(0, -floor(log10(step)))`.
    public static func label(_ value: Double, step: Double) -> String {
        let decimals = max(0, -Int(Foundation.floor(Foundation.log10(step) + 1e-12)))
        var s = String(format: "%.\(decimals)f", value)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
        if decimals == 0, abs(value) >= 10_000 { s = grouped(s) }
        return s
    }

    /// Powers of ten within `[low, high]` (both positive), for a log axis.
    public static func logValues(_ low: Double, _ high: Double) -> [Double] {
        let first = Int(Foundation.ceil(Foundation.log10(low) - 1e-9)), last = Int(Foundation.floor(Foundation.log10(high) + 1e-9))
        guard first <= last else { return [] }
        let every = max(1, (last - first) / 8 + ((last - first) % 8 == 0 ? 0 : 1))
        return stride(from: first, through: last, by: every).map { Foundation.pow(10, Double($0)) }
    }

    /// `1e-3` style label of a power of ten.
    public static func logLabel(_ value: Double) -> String {
        let e = Int(Foundation.log10(value).rounded())
        switch e {
        case 0: return "1"
        case 1: return "10"
        case 2: return "100"
        case -1: return "0.1"
        case -2: return "0.01"
        default: return "1e\(e)"
        }
    }

    static func grouped(_ digits: String) -> String {
        let negative = digits.hasPrefix("-")
        let d = negative ? String(digits.dropFirst()) : digits
        var out = ""
        for (i, ch) in d.enumerated() {
            if i > 0 && (d.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return negative ? "-" + out : out
    }
}
