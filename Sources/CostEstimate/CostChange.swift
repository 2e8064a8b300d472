import Templates

/// What a change does to the monthly bill, stack by stack: the floor and the cost at the usage
/// profile, before and after, with the resources that moved them. `synth diff` renders it.
public struct CostChange: Sendable, Equatable {
    public struct StackCost: Sendable, Equatable {
        public var name: String
        public var fixedBefore: Double
        public var fixedAfter: Double
        public var atProfileBefore: Double
        public var atProfileAfter: Double
    }

    /// A resource that moved the bill: `adds NAT gateway \`Nat1\`` and `+$32.85/month`.
    public struct Reason: Sendable, Equatable, CustomStringConvertible {
        public var what: String
        public var amounts: String
        public var description: String { "\(what) (\(amounts))" }
    }

    public var stacks: [StackCost]
    /// Biggest first.
    public var reasons: [Reason]
    public var profiles: [String]

    public var fixedDelta: Double { stacks.reduce(0) { $0 + $1.fixedAfter - $1.fixedBefore } }
    public var atProfileDelta: Double { stacks.reduce(0) { $0 + $1.atProfileAfter - $1.atProfileBefore } }
    /// Less than half a cent either way is no change.
    public var isEmpty: Bool { abs(fixedDelta) < 0.005 && abs(atProfileDelta) < 0.005 && reasons.isEmpty }

    /// `+$32.85/month: adds NAT gateway Nat1`, or nil when the bill does not move.
    public var headline: String? {
        guard !isEmpty else { return nil }
        let amount = abs(fixedDelta) >= 0.005 ? "\(Money.dollars(fixedDelta, signed: true))/month"
            : "\(Money.dollars(atProfileDelta, signed: true))/month at the usage profile"
        return reasons.isEmpty ? amount : amount + ": " + reasons.prefix(3).map(\.what).joined(separator: ", ")
            + (reasons.count > 3 ? ", …" : "")
    }

    public init(stacks: [StackCost], reasons: [Reason], profiles: [String]) {
        self.stacks = stacks
        self.reasons = reasons
        self.profiles = profiles
    }

    /// Several stages' changes as one.
    public static func merged(_ changes: [CostChange]) -> CostChange {
        CostChange(stacks: changes.flatMap(\.stacks), reasons: changes.flatMap(\.reasons), profiles: changes.flatMap(\.profiles))
    }

    /// The difference between two estimates of the same stage (old templates, new templates).
    public static func between(_ before: Estimate, _ after: Estimate, stackPrefix: String = "") -> CostChange {
        var names = before.stacks
        for name in after.stacks where !names.contains(name) { names.append(name) }
        let stacks = names.map { name in
            StackCost(name: stackPrefix + name, fixedBefore: before.fixed(stack: name), fixedAfter: after.fixed(stack: name),
                      atProfileBefore: before.atProfile(stack: name), atProfileAfter: after.atProfile(stack: name))
        }.filter { abs($0.fixedAfter - $0.fixedBefore) >= 0.005 || abs($0.atProfileAfter - $0.atProfileBefore) >= 0.005 }

        // Only priced lines can move the bill; free ones are most of a template and are skipped.
        func key(_ line: CostLine) -> String { line.stack + "/" + line.resource }
        let old = Dictionary(before.lines.filter { $0.pricing == .priced }.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(after.lines.filter { $0.pricing == .priced }.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        var moves: [(amount: Double, reason: Reason)] = []
        for (id, line) in new where old[id] == nil && line.atProfile >= 0.005 {
            moves.append((line.fixed, Reason(what: "adds \(Self.noun(line.type)) `\(line.resource)`", amounts: Self.amounts(line.fixed, line.atProfile))))
        }
        for (id, line) in old where new[id] == nil && line.atProfile >= 0.005 {
            moves.append((-line.fixed, Reason(what: "removes \(Self.noun(line.type)) `\(line.resource)`", amounts: Self.amounts(-line.fixed, -line.atProfile))))
        }
        for (id, line) in new {
            guard let was = old[id] else { continue }
            let fixed = line.fixed - was.fixed, total = line.atProfile - was.atProfile
            if abs(fixed) >= 0.005 || abs(total) >= 0.005 {
                moves.append((fixed, Reason(what: "changes \(Self.noun(line.type)) `\(line.resource)`", amounts: Self.amounts(fixed, total))))
            }
        }
        let reasons = moves.sorted { abs($0.amount) != abs($1.amount) ? abs($0.amount) > abs($1.amount) : $0.reason.what < $1.reason.what }.map(\.reason)
        return CostChange(stacks: stacks, reasons: reasons, profiles: stacks.isEmpty ? [] : ["\(after.name): \(after.profile.summary)"])
    }

    static func amounts(_ fixed: Double, _ total: Double) -> String {
        abs(fixed - total) < 0.005 ? "\(Money.dollars(fixed, signed: true))/month"
            : "\(Money.dollars(fixed, signed: true))/month floor, \(Money.dollars(total, signed: true)) at the usage profile"
    }

    /// `NAT gateway`, `VPC endpoint`, … for the types people know by another name.
    static func noun(_ type: String) -> String {
        let names = [
            "AWS::EC2::NatGateway": "NAT gateway", "AWS::EC2::VPCEndpoint": "VPC endpoint", "AWS::EC2::EIP": "public IPv4 address",
            "AWS::RDS::DBCluster": "Aurora cluster", "AWS::KMS::Key": "KMS key", "AWS::SecretsManager::Secret": "secret",
            "AWS::Lambda::Function": "function", "AWS::Logs::LogGroup": "log group", "AWS::ApiGatewayV2::Api": "HTTP API",
            "AWS::OpenSearchServerless::Collection": "OpenSearch Serverless collection", "RDS Data API": "Data API use of",
        ]
        return names[type] ?? type
    }
}

/// `synth diff --format json`'s `cost`: dollars to the cent, as numbers.
extension CostChange: Encodable {
    enum CodingKeys: String, CodingKey { case headline, fixedDelta, atProfileDelta, stacks, reasons, profiles }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(headline, forKey: .headline)
        try container.encode(Money.roundedToCents(fixedDelta), forKey: .fixedDelta)
        try container.encode(Money.roundedToCents(atProfileDelta), forKey: .atProfileDelta)
        try container.encode(stacks, forKey: .stacks)
        try container.encode(reasons.map(\.description), forKey: .reasons)
        try container.encode(profiles, forKey: .profiles)
    }
}

extension CostChange.StackCost: Encodable {
    enum CodingKeys: String, CodingKey { case name, fixedBefore, fixedAfter, atProfileBefore, atProfileAfter }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(Money.roundedToCents(fixedBefore), forKey: .fixedBefore)
        try container.encode(Money.roundedToCents(fixedAfter), forKey: .fixedAfter)
        try container.encode(Money.roundedToCents(atProfileBefore), forKey: .atProfileBefore)
        try container.encode(Money.roundedToCents(atProfileAfter), forKey: .atProfileAfter)
    }
}

extension CostModels {
    /// What a change to a stage's templates does to its bill: both versions priced, then compared.
    /// A stack missing on one side (added or removed) costs nothing there.
    public func change(name: String, stacks: [(name: String, old: TemplateTree?, new: TemplateTree?)]) -> CostChange {
        let before = estimate(name: name, stacks: stacks.compactMap { stack in stack.old.map { (stack.name, $0) } })
        let after = estimate(name: name, stacks: stacks.compactMap { stack in stack.new.map { (stack.name, $0) } })
        return CostChange.between(before, after)
    }
}
