import CostEstimate

/// Human-readable renderings of a `DiffReport`: terminal text and Markdown for a pull-request comment.
extension DiffReport {
    static let symbols: [Change: String] = [.added: "+", .removed: "-", .modified: "~"]

    public func text(color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func colored(_ change: Change, _ text: String) -> String {
            paint(text, change == .added ? "32" : change == .removed ? "31" : "33")
        }
        var out = verdict + "\n"
        if !blockers.isEmpty {
            out += "\n" + paint("Deploy blockers: CloudFormation would stop part-way through this deploy", "31;1") + "\n"
            for blocker in blockers {
                out += paint("  ✗ [\(blocker.kind.rawValue)] \(blocker.stack): \(blocker.detail)", "31") + "\n"
                out += "      fix: \(blocker.fix)\n"
            }
        }
        if let cost, !cost.isEmpty {
            out += "\n" + paint("Cost", "1") + ": " + (cost.headline ?? "") + "\n"
            for stack in cost.stacks {
                out += "  \(stack.name): floor \(Money.dollars(stack.fixedBefore)) → \(Money.dollars(stack.fixedAfter)), "
                    + "at the usage profile \(Money.dollars(stack.atProfileBefore)) → \(Money.dollars(stack.atProfileAfter))\n"
            }
            out += cost.reasons.map { "  \($0)\n" }.joined()
        }
        if !orphans.isEmpty {
            out += "\n" + paint("Left behind: no longer in the stack, not deleted", "1") + "\n"
            out += orphans.map { "  \($0.stack): \(Self.sentence(for: $0))\n" }.joined()
        }
        for stack in changedStacks {
            out += "\n" + paint("Stack \(stack.name)", "1") + "\n"
            for resource in stack.resources {
                var line = "  \(Self.symbols[resource.change]!) \(resource.logicalId) (\(resource.type))"
                if let oldType = resource.oldType { line += " was \(oldType)" }
                if resource.replacement == .always { line += " " + paint("REPLACED", "31;1") }
                if resource.replacement == .conditional { line += " " + paint("MAY BE REPLACED", "33;1") }
                if let loss = resource.dataLoss { line += " " + paint("data loss — \(loss)", "31") }
                out += colored(resource.change, line) + "\n"
                for property in resource.properties {
                    var detail = "      \(Self.symbols[property.change]!) \(property.path)"
                    if let cause = property.causedBy {
                        detail += ": refers to \(cause), which is replaced"
                    } else {
                        detail += ": " + (property.old?.display ?? "∅") + " → " + (property.new?.display ?? "∅")
                    }
                    if property.replacement != .none { detail += " [replacement: \(property.replacement.rawValue)]" }
                    out += detail + "\n"
                }
            }
            for (title, entries) in stack.sections where !entries.isEmpty {
                out += "  \(title):\n" + entries.map { "    \(Self.symbols[$0.change]!) \($0.name)\n" }.joined()
            }
            if !stack.iam.isEmpty {
                out += "  IAM:\n"
                for change in stack.iam {
                    var line = "    \(Self.symbols[change.change]!) \(change.when.map { "\($0): " } ?? "")\(change.effect) \(change.actions.joined(separator: ", "))"
                    if !change.resources.isEmpty { line += " on \(change.resources.joined(separator: ", "))" }
                    if !change.principals.isEmpty { line += " for \(change.principals.joined(separator: ", "))" }
                    line += " (\(change.resource))"
                    if !change.broadening.isEmpty { line += " " + paint("⚠ widens access: " + change.broadening.joined(separator: "; "), "31") }
                    out += line + "\n"
                }
            }
            if !stack.securityGroups.isEmpty {
                out += "  Security groups:\n"
                for rule in stack.securityGroups {
                    var line = "    \(Self.symbols[rule.change]!) \(rule.when.map { "\($0): " } ?? "")\(rule.direction) \(rule.proto) \(rule.ports) \(rule.direction == "ingress" ? "from" : "to") \(rule.peer) (\(rule.resource))"
                    if !rule.broadening.isEmpty { line += " " + paint("⚠ widens access: " + rule.broadening.joined(separator: "; "), "31") }
                    out += line + "\n"
                }
            }
        }
        if !schema.isEmpty {
            out += "\n" + paint("Schema", "1") + "\n"
            for change in schema {
                var line = "  \(Self.symbols[change.change]!) \(change.kind.rawValue) \(change.name)"
                if let detail = change.detail { line += ": \(detail)" }
                if change.dataLoss { line += " " + paint("data loss", "31") }
                out += line + "\n"
            }
        }
        if !migrations.isEmpty {
            out += "\n" + paint("Migrations", "1") + "\n"
            for migration in migrations {
                out += "  \(Self.symbols[migration.change]!) \(migration.file)"
                if migration.rewritesHistory { out += " " + paint("⛔ a committed migration \(migration.change == .removed ? "removed" : "edited"): databases that ran it will refuse to migrate", "31") }
                out += "\n"
                for reason in migration.dataLoss { out += "    " + paint("data loss: \(reason)", "31") + "\n" }
                if migration.change != .removed {
                    out += migration.sql.split(separator: "\n", omittingEmptySubsequences: false).map { "    | \($0)" }.joined(separator: "\n") + "\n"
                }
            }
        }
        return out
    }

    /// GitHub refuses a comment over 65,536 characters; this leaves room for the workflow's marker line.
    public static let commentLimit = 65_000

    /// The pull-request comment. Findings (deploy blockers, cost, what is left behind, every changed
    /// resource with its replacement and data loss, each widening of access, schema data loss, the
    /// migration plan) are always shown in full; property-level detail, the SQL of migrations and the
    /// schema changes that lose nothing fold into `<details>` and are cut, whole blocks at a time, once
    /// the comment would pass `limit` characters, with a line saying what was cut and how to see it.
    /// nil: no limit.
    public func markdown(limit: Int? = DiffReport.commentLimit) -> String {
        MarkdownBlock.fit(markdownBlocks(), limit: limit)
    }

    func markdownBlocks() -> [MarkdownBlock] {
        var blocks: [MarkdownBlock] = []
        func finding(_ text: String) { blocks.append(MarkdownBlock(text: text, isDetail: false)) }
        func detail(_ text: String) { blocks.append(MarkdownBlock(text: text, isDetail: true)) }

        finding("### synth diff\n\n" + (fails(.blocker) ? "⛔ " : fails(.dataLoss) || fails(.broadening) || fails(.replacement) ? "⚠️ " : "")
                + "**" + verdict + "**\n")
        if !blockers.isEmpty {
            var out = "\n#### Deploy blockers\n\nCloudFormation would stop part-way through this deploy:\n\n"
            for blocker in blockers {
                let subject = blocker.export.map { "export `\($0)`" } ?? blocker.resource.map { "`\($0)`" } ?? ""
                out += "- ⛔ **\(blocker.kind.rawValue)** in `\(blocker.stack)`, \(subject): \(blocker.detail). **Fix:** \(blocker.fix).\n"
            }
            finding(out)
        }
        if let cost, !cost.isEmpty {
            var out = "\n💲 **\(cost.headline ?? "")**\n\n| Stack | Floor/month | At usage profile/month |\n|---|---:|---:|\n"
            for stack in cost.stacks {
                out += "| `\(stack.name)` | \(Money.dollars(stack.fixedBefore)) → \(Money.dollars(stack.fixedAfter)) | "
                    + "\(Money.dollars(stack.atProfileBefore)) → \(Money.dollars(stack.atProfileAfter)) |\n"
            }
            out += "\n" + cost.reasons.map { "- \($0)\n" }.joined()
            out += cost.profiles.map { "\nUsage profile \($0).\n" }.joined()
            finding(out)
        }
        if !orphans.isEmpty {
            finding("\n#### Left behind\n\n" + orphans.map { "- `\($0.stack)`: \(Self.sentence(for: $0))\n" }.joined())
        }
        for stack in changedStacks {
            var out = "\n#### Stack `\(stack.name)`\n\n| | Resource | Type | Replacement | Data loss |\n|---|---|---|---|---|\n"
            for resource in stack.resources {
                out += "| \(Self.symbols[resource.change]!) | `\(resource.logicalId)` | \(resource.type) | \(resource.replacement.rawValue) | \(resource.dataLoss ?? "") |\n"
            }
            for (title, entries) in stack.sections where !entries.isEmpty {
                out += "\n\(title): " + entries.map { "\(Self.symbols[$0.change]!) `\($0.name)`" }.joined(separator: ", ") + "\n"
            }
            let widening = stack.iam.filter { !$0.broadening.isEmpty }.map(Self.markdownLine)
                + stack.securityGroups.filter { !$0.broadening.isEmpty }.map(Self.markdownLine)
            if !widening.isEmpty { out += "\nWidens access:\n\n" + widening.joined() }
            finding(out)

            var details = ""
            for resource in stack.resources where !resource.properties.isEmpty {
                details += "\n`\(resource.logicalId)`\n\n"
                for property in resource.properties {
                    let value = property.causedBy.map { "refers to replaced `\($0)`" }
                        ?? "`\(property.old?.display ?? "∅")` → `\(property.new?.display ?? "∅")`"
                    details += "- \(Self.symbols[property.change]!) `\(property.path)`: \(value)\(property.replacement == .none ? "" : " (replacement: \(property.replacement.rawValue))")\n"
                }
            }
            details += stack.iam.filter(\.broadening.isEmpty).map(Self.markdownLine).joined()
            details += stack.securityGroups.filter(\.broadening.isEmpty).map(Self.markdownLine).joined()
            if !details.isEmpty { detail("\n<details><summary>Details of `\(stack.name)`</summary>\n" + details + "\n</details>\n") }
        }
        if !schema.isEmpty {
            let lines = schema.map { "- \(Self.symbols[$0.change]!) \($0.kind.rawValue) `\($0.name)`\($0.detail.map { ": \($0)" } ?? "")\($0.dataLoss ? " ⚠️ data loss" : "")\n" }
            let losing = zip(schema, lines).filter { $0.0.dataLoss }.map(\.1)
            finding("\n#### Schema\n\n\(schema.count) change\(schema.count == 1 ? "" : "s")" + (losing.isEmpty ? ".\n" : ", \(losing.count) losing data:\n\n" + losing.joined()))
            detail("\n<details><summary>Every schema change</summary>\n\n" + lines.joined() + "\n</details>\n")
        }
        if !migrations.isEmpty {
            finding("\n#### Migration plan\n\nWhat the deploy runs on the database, in order, before the new code serves requests:\n\n")
            for migration in migrations {
                var out = "- \(Self.symbols[migration.change]!) `\(migration.file)`"
                if migration.rewritesHistory { out += " ⛔ **a committed migration \(migration.change == .removed ? "removed" : "edited")**: databases that ran it will refuse to migrate; restore it and add a new one" }
                out += "\n"
                for reason in migration.dataLoss { out += "  - ⚠️ data loss: \(reason)\n" }
                finding(out)
                if migration.change != .removed {
                    detail("\n<details><summary>SQL of `\(migration.file)`</summary>\n\n```sql\n\(migration.sql)\(migration.sql.hasSuffix("\n") ? "" : "\n")```\n\n</details>\n\n")
                }
            }
        }
        return blocks
    }

    static func markdownLine(_ change: IAMChange) -> String {
        "- IAM \(symbols[change.change]!) \(change.when.map { "\($0): " } ?? "")\(change.effect) `\(change.actions.joined(separator: "`, `"))` on `\(change.resources.joined(separator: "`, `"))` (\(change.resource))"
            + (change.broadening.isEmpty ? "" : " ⚠️ widens access: " + change.broadening.joined(separator: "; ")) + "\n"
    }

    static func markdownLine(_ rule: SecurityGroupRuleChange) -> String {
        "- Security group \(symbols[rule.change]!) \(rule.when.map { "\($0): " } ?? "")\(rule.direction) \(rule.proto) \(rule.ports) \(rule.peer) (\(rule.resource))"
            + (rule.broadening.isEmpty ? "" : " ⚠️ widens access: " + rule.broadening.joined(separator: "; ")) + "\n"
    }

    static func sentence(for orphan: RetainedOrphan) -> String {
        "\(orphan.resource) (\(orphan.type)\(orphan.name.map { " \($0)" } ?? "")) is \(orphan.reason); its policy \(orphan.policy) keeps it: "
            + "delete it by hand when no longer needed"
    }
}
