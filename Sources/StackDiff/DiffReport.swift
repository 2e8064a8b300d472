import CostEstimate

/// All that one `synth diff` run found: each stack's diff and the schema's, with the totals the
/// verdict and `--fail-on` look at.
public struct DiffReport: Sendable {
    public var stacks: [StackDiffResult]
    public var schema: [SchemaObjectChange]
    /// Migration files added (or, wrongly, edited or removed) under out/<stage>/migrations/.
    public var migrations: [MigrationChange] = []
    /// Blockers that span stacks of a stage (exports in use); each stack carries its own as well.
    public var stageBlockers: [DeployBlocker]
    /// What the change does to the monthly bill, when it was priced.
    public var cost: CostChange?
    /// What was compared with what (`the stacks now against out/dev/ as committed at HEAD (abc1234)`), for the reader.
    public var baseline: String?

    public init(stacks: [StackDiffResult], schema: [SchemaObjectChange], stageBlockers: [DeployBlocker] = []) {
        self.stacks = stacks
        self.schema = schema
        self.stageBlockers = stageBlockers
    }

    /// A stage's stacks, both versions: their diffs, the blockers across them, and the cost change
    /// at `usage` (priced at us-east-1; `synth cost --region` prices elsewhere).
    public init(stage stacks: [StackTemplates], schema: [SchemaObjectChange], usage: UsageProfile, name: String) {
        self.init(stacks: stacks.map(\.diff), schema: schema, stageBlockers: ExportsInUse.find(stacks))
        cost = CostModels(prices: .usEast1, profile: usage).change(name: name, stacks: stacks.map { ($0.name, $0.old, $0.new) })
    }

    /// Every predicted deploy failure, cross-stack ones first.
    public var blockers: [DeployBlocker] { stageBlockers + stacks.flatMap(\.blockers) }
    public var orphans: [RetainedOrphan] { stacks.flatMap(\.orphans) }

    public var changedStacks: [StackDiffResult] { stacks.filter { !$0.isEmpty || !$0.iam.isEmpty || !$0.securityGroups.isEmpty } }
    public var hasChanges: Bool { !changedStacks.isEmpty || !schema.isEmpty || !migrations.isEmpty || !blockers.isEmpty }
    public var replacements: [ResourceChange] { stacks.flatMap(\.resources).filter { $0.replacement != .none } }
    public var dataLoss: Int { stacks.flatMap(\.resources).filter { $0.dataLoss != nil }.count + schema.filter(\.dataLoss).count }
    public var broadening: Int {
        stacks.flatMap(\.iam).filter { !$0.broadening.isEmpty }.count
            + stacks.flatMap(\.securityGroups).filter { !$0.broadening.isEmpty }.count
    }

    public enum FailOn: String, Sendable, CaseIterable { case any, blocker, replacement, dataLoss = "data-loss", broadening }

    public func fails(_ condition: FailOn) -> Bool {
        switch condition {
        case .any: hasChanges
        case .blocker: !blockers.isEmpty
        case .replacement: !replacements.isEmpty
        case .dataLoss: dataLoss > 0
        case .broadening: broadening > 0
        }
    }

    /// One line for the top of a review: what kind of change this is.
    public var verdict: String {
        guard hasChanges else { return "No changes." }
        var parts: [String] = []
        if !blockers.isEmpty { parts.append("\(blockers.count) deploy blocker\(blockers.count == 1 ? "" : "s")") }
        let resources = stacks.flatMap(\.resources).count
        parts.append("\(resources) resource change\(resources == 1 ? "" : "s") in \(changedStacks.count) stack\(changedStacks.count == 1 ? "" : "s")")
        if !schema.isEmpty { parts.append("\(schema.count) schema change\(schema.count == 1 ? "" : "s")") }
        let added = migrations.filter { $0.change == .added }.count
        if added > 0 { parts.append("\(added) new migration\(added == 1 ? "" : "s")") }
        let rewritten = migrations.filter(\.rewritesHistory).count
        if rewritten > 0 { parts.append("\(rewritten) committed migration\(rewritten == 1 ? "" : "s") edited or removed") }
        if !replacements.isEmpty { parts.append("\(replacements.count) replacement\(replacements.count == 1 ? "" : "s")") }
        if dataLoss > 0 { parts.append("\(dataLoss) with possible data loss") }
        if broadening > 0 { parts.append("\(broadening) widening access") }
        if !orphans.isEmpty { parts.append("\(orphans.count) left behind by a Retain policy") }
        if let cost, !cost.isEmpty {
            parts.append("\(Money.dollars(cost.fixedDelta, signed: true))/month floor, \(Money.dollars(cost.atProfileDelta, signed: true))/month at the usage profile")
        }
        return parts.joined(separator: ", ") + "."
    }
}
