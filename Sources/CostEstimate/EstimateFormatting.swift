import JSONText

/// `synth cost` output: one line per priced resource, totals per stack and per stage, the usage
/// profile the estimate assumes, and the resources the table does not price.
extension Estimate {
    /// Lines worth a row: priced ones; free ones and those billed with another are summarised.
    var pricedLines: [CostLine] { lines.filter { $0.pricing == .priced } }
    var summarisedCount: Int { lines.count - pricedLines.count - notPriced.count }

    public func text() -> String {
        var out = "\(name): \(Money.dollars(fixed))/month floor, \(Money.dollars(atProfile))/month at the usage profile "
            + "(\(region) prices read \(pricesReadOn))\n"
        out += "  usage profile: \(profile.summary)\n"
        let width = max(24, (pricedLines.map { $0.resource.count + $0.type.count + 3 }.max() ?? 0))
        for stack in stacks {
            out += "  \(stack)\(String(repeating: " ", count: max(1, width + 2 - stack.count)))     floor   at usage\n"
            for line in pricedLines where line.stack == stack {
                let label = "\(line.resource) (\(line.type))"
                out += "    \(label)\(String(repeating: " ", count: max(1, width - label.count))) \(pad(Money.dollars(line.fixed))) \(pad(Money.dollars(line.atProfile)))  \(line.basis)\n"
            }
            let label = "total"
            out += "    \(label)\(String(repeating: " ", count: max(1, width - label.count))) \(pad(Money.dollars(fixed(stack: stack)))) \(pad(Money.dollars(atProfile(stack: stack))))\n"
        }
        if summarisedCount > 0 { out += "  \(summarisedCount) more resources cost nothing of their own or are billed with another\n" }
        for line in notPriced { out += "  not priced: \(line.stack) \(line.resource) (\(line.type))\n" }
        return out
    }

    private func pad(_ text: String) -> String { String(repeating: " ", count: max(0, 10 - text.count)) + text }

    public func markdown() -> String {
        var out = "#### \(name): \(Money.dollars(fixed))/month floor, \(Money.dollars(atProfile))/month at the usage profile\n\n"
        out += "Usage profile: \(profile.summary). Prices: \(region), read \(pricesReadOn).\n\n"
        out += "| Stack | Resource | Type | Floor/month | At usage/month | How |\n|---|---|---|---:|---:|---|\n"
        for stack in stacks {
            for line in pricedLines where line.stack == stack {
                out += "| \(stack) | `\(line.resource)` | \(line.type) | \(Money.dollars(line.fixed)) | \(Money.dollars(line.atProfile)) | \(line.basis) |\n"
            }
            out += "| \(stack) | **total** | | **\(Money.dollars(fixed(stack: stack)))** | **\(Money.dollars(atProfile(stack: stack)))** | |\n"
        }
        if summarisedCount > 0 { out += "\n\(summarisedCount) more resources cost nothing of their own or are billed with another.\n" }
        if !notPriced.isEmpty {
            out += "\nNot priced: " + notPriced.map { "`\($0.stack) \($0.resource)` (\($0.type))" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    public var json: JSON {
        .object([
            ("name", .string(name)), ("region", .string(region)), ("pricesReadOn", .string(pricesReadOn)),
            ("profile", .object([
                ("requestsPerMonth", profile.requestsPerMonth), ("averageDurationMs", profile.averageDurationMs),
                ("statementsPerRequest", profile.statementsPerRequest), ("averagePayloadBytes", profile.averagePayloadBytes),
                ("storedGB", profile.storedGB), ("averageACU", profile.averageACU), ("logGBPerMonth", profile.logGBPerMonth),
            ].map { ($0.0, JSON.number(Money.count($0.1, grouped: false))) })),
            ("fixed", Self.amount(fixed)), ("atProfile", Self.amount(atProfile)),
            ("stacks", .array(stacks.map { stack in
                .object([
                    ("name", .string(stack)), ("fixed", Self.amount(fixed(stack: stack))), ("atProfile", Self.amount(atProfile(stack: stack))),
                    ("resources", .array(lines.filter { $0.stack == stack }.map { line in
                        .object([
                            ("resource", .string(line.resource)), ("type", .string(line.type)), ("pricing", .string(Self.pricing(line.pricing))),
                            ("fixed", Self.amount(line.fixed)), ("atProfile", Self.amount(line.atProfile)), ("basis", .string(line.basis)),
                        ])
                    })),
                ])
            })),
            ("notPriced", .array(notPriced.map { .string("\($0.stack) \($0.resource) (\($0.type))") })),
        ])
    }

    /// Dollars to the cent, as a JSON number.
    public static func amount(_ value: Double) -> JSON {
        .number(Money.amount(value))
    }

    static func pricing(_ pricing: CostLine.Pricing) -> String {
        switch pricing {
        case .priced: "priced"
        case .free: "free"
        case .pricedWith(let other): "with \(other)"
        case .notPriced: "not priced"
        }
    }
}

/// Several estimates (`synth cost --all`) in one document.
public enum EstimateReport {
    public static func text(_ estimates: [Estimate]) -> String { estimates.map { $0.text() }.joined(separator: "\n") }
    public static func markdown(_ estimates: [Estimate]) -> String { estimates.map { $0.markdown() }.joined(separator: "\n") }
    public static func json(_ estimates: [Estimate]) -> String { JSON.object([("estimates", .array(estimates.map(\.json)))]).rendered() }
}
