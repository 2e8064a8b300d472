import CostEstimate
import JSONText

/// All that one `synth diff` run found: each stack's diff and the schema's, with the totals the
/// verdict and `--fail-on` look at.
public struct DiffReport: Sendable {
    public var stacks: [StackDiffResult]
    public var schema: [SchemaChange]
    /// Migration files added (or, wrongly, edited or removed) under out/<stage>/migrations/.
    public var migrations: [MigrationChange] = []
    /// Blockers that span stacks of a stage (exports in use); each stack carries its own as well.
    public var stageBlockers: [DeployBlocker]
    /// What the change does to the monthly bill, when it was priced.
    public var cost: CostChange?

    public init(stacks: [StackDiffResult], schema: [SchemaChange], stageBlockers: [DeployBlocker] = []) {
        self.stacks = stacks
        self.schema = schema
        self.stageBlockers = stageBlockers
    }

    /// A stage's stacks, both versions: their diffs, the blockers across them, and the cost change
    /// at `usage` (priced at us-east-1; `synth cost --region` prices elsewhere).
    public init(stage stacks: [StackTemplates], schema: [SchemaChange], usage: UsageProfile, name: String) {
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

    // MARK: JSON

    public func json() -> String {
        JSON.object([
            ("blockers", .array(blockers.map { blocker in
                var entries: [(String, JSON)] = [("kind", .string(blocker.kind.rawValue)), ("stack", .string(blocker.stack))]
                if let resource = blocker.resource { entries.append(("resource", .string(resource))) }
                if let export = blocker.export { entries.append(("export", .string(export))) }
                entries += [("detail", .string(blocker.detail)), ("fix", .string(blocker.fix))]
                return .object(entries)
            })),
            ("orphans", .array(orphans.map { orphan in
                .object([("stack", .string(orphan.stack)), ("resource", .string(orphan.resource)), ("type", .string(orphan.type)),
                         ("reason", .string(orphan.reason)), ("policy", .string(orphan.policy)), ("name", orphan.name.map(JSON.string) ?? .null)])
            })),
            ("cost", cost.map(Self.costJSON) ?? .null),
            ("stacks", .array(stacks.map { stack in
                .object([
                    ("name", .string(stack.name)),
                    ("resources", .array(stack.resources.map { resource in
                        var entries: [(String, JSON)] = [
                            ("logicalId", .string(resource.logicalId)), ("type", .string(resource.type)),
                            ("change", .string(resource.change.rawValue)), ("replacement", .string(resource.replacement.rawValue)),
                            ("dataLoss", .bool(resource.dataLoss != nil)),
                        ]
                        if let note = resource.dataLoss { entries.append(("dataLossNote", .string(note))) }
                        if let oldType = resource.oldType { entries.append(("oldType", .string(oldType))) }
                        entries.append(("properties", .array(resource.properties.map { property in
                            var fields: [(String, JSON)] = [("path", .string(property.path)), ("change", .string(property.change.rawValue)),
                                                            ("replacement", .string(property.replacement.rawValue))]
                            if let old = property.old { fields.append(("old", .string(old.display))) }
                            if let new = property.new { fields.append(("new", .string(new.display))) }
                            if let cause = property.causedBy { fields.append(("causedBy", .string(cause))) }
                            return .object(fields)
                        })))
                        return .object(entries)
                    })),
                    ("iam", .array(stack.iam.map { change in
                        .object([
                            ("resource", .string(change.resource)), ("change", .string(change.change.rawValue)), ("effect", .string(change.effect)),
                            ("actions", .array(change.actions.map(JSON.string))), ("resources", .array(change.resources.map(JSON.string))),
                            ("principals", .array(change.principals.map(JSON.string))), ("condition", change.condition.map(JSON.string) ?? .null),
                            ("when", change.when.map(JSON.string) ?? .null),
                            ("broadening", .array(change.broadening.map(JSON.string))),
                        ])
                    })),
                    ("securityGroups", .array(stack.securityGroups.map { rule in
                        .object([
                            ("resource", .string(rule.resource)), ("change", .string(rule.change.rawValue)), ("direction", .string(rule.direction)),
                            ("protocol", .string(rule.proto)), ("ports", .string(rule.ports)), ("peer", .string(rule.peer)),
                            ("openToWorld", .bool(rule.openToWorld)), ("when", rule.when.map(JSON.string) ?? .null),
                            ("broadening", .array(rule.broadening.map(JSON.string))),
                        ])
                    })),
                    ("parameters", .array(stack.parameters.map(Self.entry))),
                    ("outputs", .array(stack.outputs.map(Self.entry))),
                    ("transforms", .array(stack.transforms.map(Self.entry))),
                    ("conditions", .array(stack.conditions.map(Self.entry))),
                    ("mappings", .array(stack.mappings.map(Self.entry))),
                ])
            })),
            ("schema", .array(schema.map { change in
                .object([("kind", .string(change.kind.rawValue)), ("name", .string(change.name)), ("change", .string(change.change.rawValue)),
                         ("detail", change.detail.map(JSON.string) ?? .null), ("dataLoss", .bool(change.dataLoss))])
            })),
            ("migrations", .array(migrations.map { migration in
                .object([("file", .string(migration.file)), ("change", .string(migration.change.rawValue)), ("sql", .string(migration.sql)),
                         ("dataLoss", .array(migration.dataLoss.map(JSON.string))), ("rewritesHistory", .bool(migration.rewritesHistory))])
            })),
            ("verdict", .string(verdict)),
        ]).rendered()
    }

    static func costJSON(_ cost: CostChange) -> JSON {
        .object([
            ("headline", cost.headline.map(JSON.string) ?? .null),
            ("fixedDelta", Estimate.amount(cost.fixedDelta)), ("atProfileDelta", Estimate.amount(cost.atProfileDelta)),
            ("stacks", .array(cost.stacks.map { stack in
                .object([("name", .string(stack.name)),
                         ("fixedBefore", Estimate.amount(stack.fixedBefore)), ("fixedAfter", Estimate.amount(stack.fixedAfter)),
                         ("atProfileBefore", Estimate.amount(stack.atProfileBefore)), ("atProfileAfter", Estimate.amount(stack.atProfileAfter))])
            })),
            ("reasons", .array(cost.reasons.map { .string($0.description) })),
            ("profiles", .array(cost.profiles.map(JSON.string))),
        ])
    }

    static func entry(_ change: EntryChange) -> JSON {
        .object([("name", .string(change.name)), ("change", .string(change.change.rawValue)),
                 ("old", change.old.map { .string($0.display) } ?? .null), ("new", change.new.map { .string($0.display) } ?? .null)])
    }
}
