/// What one resource costs a month: the floor paid with no traffic at all, and the part that grows
/// with the stage's usage profile.
public struct CostLine: Sendable, Equatable {
    public enum Pricing: Sendable, Equatable {
        case priced
        /// No charge of its own (IAM, subnets, security groups, gateway endpoints, …).
        case free
        /// Billed as part of another resource (an Aurora instance with its cluster).
        case pricedWith(String)
        /// A type the price table has no model for: listed, never counted as zero silently.
        case notPriced
    }

    public var stack: String
    public var resource: String
    public var type: String
    public var pricing: Pricing
    /// Dollars a month paid even with no traffic.
    public var fixed: Double
    /// Dollars a month on top of `fixed` at the usage profile.
    public var usage: Double
    /// How the figures were computed, with the prices used.
    public var basis: String

    public var atProfile: Double { fixed + usage }

    static func free(_ stack: String, _ id: String, _ type: String, _ why: String = "no charge") -> CostLine {
        CostLine(stack: stack, resource: id, type: type, pricing: .free, fixed: 0, usage: 0, basis: why)
    }
}

/// One stage's (or one set of templates') estimate.
public struct Estimate: Sendable {
    public var name: String
    public var region: String
    public var pricesReadOn: String
    public var profile: UsageProfile
    public var lines: [CostLine]

    public var stacks: [String] {
        var seen: [String] = []
        for line in lines where !seen.contains(line.stack) { seen.append(line.stack) }
        return seen
    }

    public var fixed: Double { lines.reduce(0) { $0 + $1.fixed } }
    public var atProfile: Double { lines.reduce(0) { $0 + $1.atProfile } }
    public func fixed(stack: String) -> Double { lines.filter { $0.stack == stack }.reduce(0) { $0 + $1.fixed } }
    public func atProfile(stack: String) -> Double { lines.filter { $0.stack == stack }.reduce(0) { $0 + $1.atProfile } }
    public var notPriced: [CostLine] { lines.filter { $0.pricing == .notPriced } }
}
