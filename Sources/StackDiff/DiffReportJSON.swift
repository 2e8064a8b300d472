import CostEstimate
import JSONText

/// `synth diff --format json`: the report's own model, encoded, members in the order written here (so
/// blockers come first); an absent optional is left out; a template value is shown as the review shows it (`!Sub ${AWS::StackName}-chat`).
extension DiffReport: Encodable {
    enum CodingKeys: String, CodingKey { case blockers, orphans, cost, stacks, schema, migrations, verdict, baseline }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(blockers, forKey: .blockers)
        try container.encode(orphans, forKey: .orphans)
        try container.encode(cost, forKey: .cost)
        try container.encode(stacks, forKey: .stacks)
        try container.encode(schema, forKey: .schema)
        try container.encode(migrations, forKey: .migrations)
        try container.encode(verdict, forKey: .verdict)
        try container.encodeIfPresent(baseline, forKey: .baseline)
    }

    /// Throws only for an amount that is not a number (JSON has no NaN or infinity).
    public func json() throws -> String {
        try JSONTreeEncoder.tree(self).rendered()
    }
}

extension ResourceChange: Encodable {
    enum CodingKeys: String, CodingKey { case logicalId, type, oldType, change, replacement, dataLoss, dataLossNote, properties }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(logicalId, forKey: .logicalId)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(oldType, forKey: .oldType)
        try container.encode(change, forKey: .change)
        try container.encode(replacement, forKey: .replacement)
        try container.encode(dataLoss != nil, forKey: .dataLoss)
        try container.encodeIfPresent(dataLoss, forKey: .dataLossNote)
        try container.encode(properties, forKey: .properties)
    }
}

extension PropertyChange: Encodable {
    enum CodingKeys: String, CodingKey { case path, change, replacement, old, new, causedBy }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(change, forKey: .change)
        try container.encode(replacement, forKey: .replacement)
        try container.encodeIfPresent(old?.display, forKey: .old)
        try container.encodeIfPresent(new?.display, forKey: .new)
        try container.encodeIfPresent(causedBy, forKey: .causedBy)
    }
}

extension EntryChange: Encodable {
    enum CodingKeys: String, CodingKey { case name, change, old, new }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(change, forKey: .change)
        try container.encodeIfPresent(old?.display, forKey: .old)
        try container.encodeIfPresent(new?.display, forKey: .new)
    }
}

extension MigrationChange: Encodable {
    enum CodingKeys: String, CodingKey { case file, change, sql, dataLoss, rewritesHistory }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(change, forKey: .change)
        try container.encode(sql, forKey: .sql)
        try container.encode(dataLoss, forKey: .dataLoss)
        try container.encode(rewritesHistory, forKey: .rewritesHistory)
    }
}
