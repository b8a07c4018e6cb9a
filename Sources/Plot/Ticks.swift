import Foundation

/// One tick of an axis: its value and its label, in `RichText` markup (`10^{−5}`).
public struct Tick: Equatable {
    public var value: Double
    public var label: String
}

/// Axis ticks at integer multiples of a "nice" step (1, 2 or 5 times a power of ten), the
/// approach of d3's `ticks`: each tick is computed as `i · step` (or `i / (1/step)` for steps
/// below one) rather than by repeated addition, so no rounding error accumulates.
///
/// Every label of one axis has one style: plain numbers with the same number of decimals (and
/// thousands grouped on every label or on none), or powers of ten written `10^{n}`.
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

    /// The labels of one linear axis, in one style: the decimals the step needs, a minus sign
    /// (−), and thousands grouped on every label of four digits or more when any label has five.
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let decimals = max(0, -Int(Foundation.floor(Foundation.log10(step) + 1e-12)))
        let group = decimals == 0 && values.contains { abs($0) >= 10_000 }
        return values.map { v in
            var s = String(format: "%.\(decimals)f", v)
            if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
            if group { s = grouped(s) }
            return s.replacingOccurrences(of: "-", with: "−")
        }
    }

    /// About `count` ticks of a linear axis over `[low, high]`, labelled in one style.
    /// The linear ticks of `low ... high` for the first of `counts` whose labels, centred at
    /// `position(value)`, leave at least 12 px between neighbours (the last count if none does).
    static func fitting(_ low: Double, _ high: Double, counts: [Int], position: (Double) -> Double) -> [Tick] {
        var ticks: [Tick] = []
        for count in counts {
            ticks = linear(low, high, count: count)
            let boxes = ticks.map { t -> (Double, Double) in
                let w = TextMetrics.width(t.label, size: FontSize.tick, markup: true)
                return (position(t.value) - w / 2, position(t.value) + w / 2)
            }
            if zip(boxes, boxes.dropFirst()).allSatisfy({ $0.0.1 + 12 <= $0.1.0 }) { break }
        }
        return ticks
    }

    public static func linear(_ low: Double, _ high: Double, count: Int) -> [Tick] {
        let v = values(low, high, count: count)
        return zip(v, labels(v, step: step(low, high, count: count))).map { Tick(value: $0.0, label: $0.1) }
    }

    /// Decades between ticks of a log axis: the smallest of these that leaves at most the
    /// number of ticks asked for.
    static let decadeSteps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500]

    /// Ticks of a log axis over `[low, high]` (both positive), at most about `maxCount`:
    /// - over three or more decades, whole decades `10^n` with `n` a multiple of 1, 2, 5, 10, 20,
    ///   25, 50 …, and unlabelled minor ticks on the other decades while there are at most 60;
    /// - over less, 1, 2 and 5 (or 1 to 9) times powers of ten, and unlabelled minor ticks at the
    ///   other multiples.
    /// Labels are plain numbers while every tick lies within 0.001 … 10,000, powers of ten otherwise.
    public static func log(_ low: Double, _ high: Double, maxCount: Int = 9) -> (major: [Tick], minor: [Double]) {
        let l0 = Foundation.log10(low), l1 = Foundation.log10(high)
        let e0 = Int(Foundation.ceil(l0 - 1e-9)), e1 = Int(Foundation.floor(l1 + 1e-9))
        if e1 - e0 + 1 >= 3 {
            var every = decadeSteps.last!
            for s in decadeSteps {
                let first = Int(Foundation.ceil(Double(e0) / Double(s))), last = Int(Foundation.floor(Double(e1) / Double(s)))
                if last - first + 1 <= maxCount {
                    every = s
                    break
                }
            }
            let first = Int(Foundation.ceil(Double(e0) / Double(every))), last = Int(Foundation.floor(Double(e1) / Double(every)))
            let exponents = first <= last ? (first...last).map { $0 * every } : []
            let minor = every > 1 && e1 - e0 <= 60 ? (e0...e1).filter { $0 % every != 0 }.map { Foundation.pow(10, Double($0)) } : []
            let plain = exponents.allSatisfy { $0 >= -3 && $0 <= 4 }
            let group = exponents.contains { $0 >= 4 }
            let ticks = exponents.map { e in Tick(value: Foundation.pow(10, Double(e)), label: plain ? plainPower(e, grouped: group) : powerLabel(e)) }
            return (ticks, minor)
        }
        // Less than three decades: mantissas within each decade.
        var picked: [(mantissa: Int, exponent: Int)] = []
        for mantissas in [[1, 2, 5], Array(1...9)] {
            picked = []
            for e in (e0 - 1)...(e1 + 1) {
                for m in mantissas {
                    let v = Double(m) * Foundation.pow(10, Double(e))
                    if v >= low * (1 - 1e-12) && v <= high * (1 + 1e-12) { picked.append((m, e)) }
                }
            }
            if picked.count >= 3 { break }
        }
        let exponents = picked.map(\.exponent)
        // Unlabelled minor ticks at the other multiples 1 … 9 of each power of ten.
        var minor: [Double] = []
        for e in (e0 - 1)...(e1 + 1) {
            for m in 1...9 where !picked.contains(where: { $0.mantissa == m && $0.exponent == e }) {
                let v = Double(m) * Foundation.pow(10, Double(e))
                if v >= low && v <= high { minor.append(v) }
            }
        }
        if exponents.allSatisfy({ $0 >= -3 && $0 <= 4 }) {
            // Each with the decimals it needs (0.05, 0.1, 0.2), as on a log axis of decades.
            let group = exponents.contains { $0 >= 4 }
            return (picked.map { p in
                let v = Double(p.mantissa) * Foundation.pow(10, Double(p.exponent))
                var s = String(format: "%.\(max(0, -p.exponent))f", v)
                if group { s = grouped(s) }
                return Tick(value: v, label: s)
            }, minor)
        }
        return (picked.map { p in
            Tick(value: Double(p.mantissa) * Foundation.pow(10, Double(p.exponent)), label: "\(p.mantissa)×" + powerLabel(p.exponent))
        }, minor)
    }

    /// Whole decades within `[low, high]` (both positive), for a log axis: see `log(_:_:maxCount:)`.
    public static func logValues(_ low: Double, _ high: Double) -> [Double] { log(low, high).major.map(\.value) }

    /// `10^{n}`, with a minus sign (−) for negative `n`.
    public static func powerLabel(_ exponent: Int) -> String {
        "10^{" + (exponent < 0 ? "−\(-exponent)" : "\(exponent)") + "}"
    }

    /// `10^n` written out: `0.001`, `1`, `10,000`.
    static func plainPower(_ e: Int, grouped group: Bool) -> String {
        if e < 0 { return "0." + String(repeating: "0", count: -e - 1) + "1" }
        let s = "1" + String(repeating: "0", count: e)
        return group ? grouped(s) : s
    }

    /// The label of a power of ten, as a log axis over a wide range writes it.
    public static func logLabel(_ value: Double) -> String { powerLabel(Int(Foundation.log10(value).rounded())) }

    static func grouped(_ digits: String) -> String {
        let negative = digits.hasPrefix("-")
        let d = negative ? String(digits.dropFirst()) : digits
        let integer = d.split(separator: ".", maxSplits: 1).first.map(String.init) ?? d
        let rest = d.dropFirst(integer.count)
        var out = ""
        for (i, ch) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (negative ? "-" : "") + out + rest
    }

    /// The style of a label: `"power"` for `10^{n}` or `m×10^{n}`, `"plain"` for a number
    /// written out. Every label of an axis has the same style; tests check that.
    public static func style(_ label: String) -> String { label.contains("10^{") ? "power" : "plain" }
}
