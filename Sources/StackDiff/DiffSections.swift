import CostEstimate
import SQLSchema

/// One part of the review. Every format shows the same sections in the same order, built once from
/// the report (`DiffReport.sections`); the text and Markdown backends only decide how a title, an item
/// or a span looks, so a new kind of finding is added here and nowhere else. JSON comes from `Codable`.
struct DiffSection: Sendable {
    var title: [Span]
    /// What the section means, after the title.
    var lead: String?
    /// Deploy blockers: the title is painted as an error.
    var isBlocking = false
    var groups: [DiffGroup]
}

/// Items under an optional heading ("IAM", "Parameters").
struct DiffGroup: Sendable {
    var title: String?
    var items: [DiffItem]
}

/// One line of the review, with what hangs under it.
struct DiffItem: Sendable {
    enum Mark: Sendable { case none, change(Change), blocker }

    var mark: Mark
    var spans: [Span]
    /// A finding is always in the pull-request comment; anything else may fold away or be cut.
    var isFinding: Bool
    /// Lines under the item in every format (a blocker's fix, a migration's data loss).
    var notes: [DiffItem] = []
    /// Lines under the item in text, folded in Markdown (a resource's property changes).
    var detail: [DiffItem] = []
    /// SQL shown under the item in text and as a folded code block in Markdown.
    var sql: String?
}

/// A run of text with the emphasis it needs; each backend has its own way to show it.
enum Span: Sendable {
    case plain(String)
    /// A name from the template or the schema.
    case code(String)
    case strong(String)
    /// What a reviewer must not miss: replacement, data loss, widening, a rewritten migration.
    case alert(String)
    /// What may happen: a conditional replacement.
    case caution(String)
}

extension DiffReport {
    /// The review, in order: blockers, cost, what is left behind, each changed stack, the schema, the migrations.
    var sections: [DiffSection] {
        var sections: [DiffSection] = []
        if !blockers.isEmpty {
            sections.append(DiffSection(title: [.plain("Deploy blockers")], lead: "CloudFormation would stop part-way through this deploy",
                                        isBlocking: true, groups: [DiffGroup(items: blockers.map(Self.item))]))
        }
        if let cost, !cost.isEmpty { sections.append(Self.section(cost)) }
        if !orphans.isEmpty {
            let items = orphans.map { DiffItem(mark: .none, spans: [.code($0.stack), .plain(": " + Self.sentence(for: $0))], isFinding: true) }
            sections.append(DiffSection(title: [.plain("Left behind")], lead: "no longer in the stack, not deleted", groups: [DiffGroup(items: items)]))
        }
        sections += changedStacks.map(Self.section)
        if !schema.isEmpty {
            let losing = schema.filter(\.dataLoss).count
            let lead = "\(schema.count) change\(schema.count == 1 ? "" : "s")" + (losing == 0 ? "" : ", \(losing) losing data")
            sections.append(DiffSection(title: [.plain("Schema")], lead: lead, groups: [DiffGroup(items: schema.map(Self.item))]))
        }
        if !migrations.isEmpty {
            sections.append(DiffSection(title: [.plain("Migration plan")],
                                        lead: "what the deploy runs on the database, in order, before the new code serves requests",
                                        groups: [DiffGroup(items: migrations.map(Self.item))]))
        }
        return sections
    }

    static func item(_ blocker: DeployBlocker) -> DiffItem {
        DiffItem(mark: .blocker, spans: [.strong("[\(blocker.kind.rawValue)]"), .plain(" "), .code(blocker.stack), .plain(": " + blocker.detail)],
                 isFinding: true, notes: [DiffItem(mark: .none, spans: [.strong("fix:"), .plain(" " + blocker.fix)], isFinding: true)])
    }

    static func section(_ cost: CostChange) -> DiffSection {
        var items = cost.stacks.map { stack in
            DiffItem(mark: .none, spans: [.code(stack.name), .plain(": floor \(Money.dollars(stack.fixedBefore)) → \(Money.dollars(stack.fixedAfter)), "
                    + "at the usage profile \(Money.dollars(stack.atProfileBefore)) → \(Money.dollars(stack.atProfileAfter))")], isFinding: true)
        }
        items += cost.reasons.map { DiffItem(mark: .none, spans: [.plain($0.description)], isFinding: true) }
        items += cost.profiles.map { DiffItem(mark: .none, spans: [.plain("usage profile " + $0)], isFinding: true) }
        return DiffSection(title: [.plain("Cost")], lead: cost.headline, groups: [DiffGroup(items: items)])
    }

    static func section(_ stack: StackDiffResult) -> DiffSection {
        var groups = [DiffGroup(items: stack.resources.map(item))]
        for (title, entries) in stack.templateSections where !entries.isEmpty {
            groups.append(DiffGroup(title: title, items: entries.map { DiffItem(mark: .change($0.change), spans: [.code($0.name)], isFinding: true) }))
        }
        if !stack.iam.isEmpty { groups.append(DiffGroup(title: "IAM", items: stack.iam.map(item))) }
        if !stack.securityGroups.isEmpty { groups.append(DiffGroup(title: "Security groups", items: stack.securityGroups.map(item))) }
        return DiffSection(title: [.plain("Stack "), .code(stack.name)], groups: groups)
    }

    static func item(_ resource: ResourceChange) -> DiffItem {
        var spans: [Span] = [.code(resource.logicalId), .plain(" (\(resource.type))")]
        if let oldType = resource.oldType { spans.append(.plain(" was \(oldType)")) }
        if resource.replacement == .always { spans += [.plain(" "), .alert("REPLACED")] }
        if resource.replacement == .conditional { spans += [.plain(" "), .caution("MAY BE REPLACED")] }
        if let loss = resource.dataLoss { spans += [.plain(" "), .alert("data loss — \(loss)")] }
        let properties = resource.properties.map { property in
            var text = property.causedBy.map { ": refers to \($0), which is replaced" }
                ?? ": " + (property.old?.display ?? "∅") + " → " + (property.new?.display ?? "∅")
            if property.replacement != .none { text += " [replacement: \(property.replacement.rawValue)]" }
            return DiffItem(mark: .change(property.change), spans: [.code(property.path), .plain(text)], isFinding: false)
        }
        return DiffItem(mark: .change(resource.change), spans: spans, isFinding: true, detail: properties)
    }

    static func item(_ change: IAMChange) -> DiffItem {
        var text = (change.when.map { "\($0): " } ?? "") + "\(change.effect) \(change.actions.joined(separator: ", "))"
        if !change.resources.isEmpty { text += " on \(change.resources.joined(separator: ", "))" }
        if !change.principals.isEmpty { text += " for \(change.principals.joined(separator: ", "))" }
        return widening(DiffItem(mark: .change(change.change), spans: [.plain(text + " (\(change.resource))")], isFinding: true), change.broadening)
    }

    static func item(_ rule: SecurityGroupRuleChange) -> DiffItem {
        let text = (rule.when.map { "\($0): " } ?? "")
            + "\(rule.direction) \(rule.proto) \(rule.ports) \(rule.direction == "ingress" ? "from" : "to") \(rule.peer) (\(rule.resource))"
        return widening(DiffItem(mark: .change(rule.change), spans: [.plain(text)], isFinding: true), rule.broadening)
    }

    /// A change of access is a finding when it widens access, and says why; otherwise it is detail.
    static func widening(_ item: DiffItem, _ reasons: [String]) -> DiffItem {
        var item = item
        item.isFinding = !reasons.isEmpty
        if !reasons.isEmpty { item.spans += [.plain(" "), .alert("⚠ widens access: " + reasons.joined(separator: "; "))] }
        return item
    }

    static func item(_ change: SchemaObjectChange) -> DiffItem {
        var spans: [Span] = [.plain("\(change.kind.rawValue) "), .code(change.name)]
        if let detail = change.detail { spans.append(.plain(": \(detail)")) }
        if change.dataLoss { spans += [.plain(" "), .alert("data loss")] }
        if change.breaksRunningCode {
            spans += [.plain(" "), .alert("⚠ \(MigrationRule.renamesBreakRunningCode.tag) breaks the code still running, which names the old name: "
                                          + "deploy code that reads both names first, or add the new one and drop the old one later")]
        }
        return DiffItem(mark: .change(change.change), spans: spans, isFinding: change.dataLoss || change.breaksRunningCode)
    }

    static func item(_ migration: MigrationChange) -> DiffItem {
        var spans: [Span] = [.code(migration.file)]
        if migration.rewritesHistory {
            spans += [.plain(" "), .alert("⛔ a committed migration \(migration.change == .removed ? "removed" : "edited"): databases that ran it "
                                           + "will refuse to migrate; restore it and add a new one")]
        }
        let losses = migration.dataLoss.map { DiffItem(mark: .none, spans: [.alert("data loss: \($0)")], isFinding: true) }
        return DiffItem(mark: .change(migration.change), spans: spans, isFinding: true, notes: losses,
                        sql: migration.change == .removed ? nil : migration.sql)
    }

    static func sentence(for orphan: RetainedOrphan) -> String {
        "\(orphan.resource) (\(orphan.type)\(orphan.name.map { " \($0)" } ?? "")) is \(orphan.reason); its policy \(orphan.policy) keeps it: "
            + "delete it by hand when no longer needed"
    }
}
