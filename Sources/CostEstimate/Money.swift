/// Dollar amounts and counts as estimates print them, without Foundation (the synth path stays on
/// the standard library).
public enum Money {
    /// `$32.85`; with `signed`, `+$32.85` or `-$3.65` (and `$0.00` for no change).
    public static func dollars(_ value: Double, signed: Bool = false) -> String {
        cents(value, signed: signed, symbol: "$", grouping: true)
    }

    /// `47.45`, `-3.65`: to the cent with no symbol or grouping, as JSON numbers are written.
    public static func amount(_ value: Double) -> String {
        cents(value, signed: false, symbol: "", grouping: false)
    }

    /// The amount rounded to the cent, for an encoder to write as a number.
    public static func roundedToCents(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    static func cents(_ value: Double, signed: Bool, symbol: String, grouping: Bool) -> String {
        let cents = Int64((abs(value) * 100).rounded())
        let sign = cents == 0 ? "" : value < 0 ? "-" : signed ? "+" : ""
        let fraction = cents % 100
        return "\(sign)\(symbol)\(grouping ? grouped(cents / 100) : String(cents / 100)).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// `1,000,000`, `0.5`, `2.25`: whole numbers grouped (unless told not to), fractions to two places at most.
    public static func count(_ value: Double, grouped grouping: Bool = true) -> String {
        let hundredths = Int64((value * 100).rounded())
        let whole = grouping ? grouped(hundredths / 100) : String(hundredths / 100)
        let rest = hundredths % 100
        if rest == 0 { return whole }
        return whole + "." + (rest % 10 == 0 ? "\(rest / 10)" : (rest < 10 ? "0\(rest)" : "\(rest)"))
    }

    static func grouped(_ value: Int64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}

extension Money {
    /// A unit price with as many decimals as it has: `$0.12`, `$0.045`, `$0.0000166667`.
    public static func price(_ value: Double) -> String {
        var places = 2
        while places < 10 {
            let scaled = value * pow10(places)
            if abs(scaled - scaled.rounded()) < 1e-6 { break }
            places += 1
        }
        let units = Int64((value * pow10(places)).rounded())
        let whole = units / Int64(pow10(places)), fraction = String(units % Int64(pow10(places)))
        return "$\(grouped(whole)).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }

    static func pow10(_ exponent: Int) -> Double {
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
