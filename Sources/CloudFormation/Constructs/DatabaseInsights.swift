/// CloudWatch Database Insights for an Aurora cluster: the monitoring that replaced Performance
/// Insights, whose end of life was 2026-07-31 (Aurora user guide, "Turning Performance Insights on
/// and off for Aurora"). It is set on the cluster, never on one of its instances.
public enum DatabaseInsights: Sendable, Equatable {
    /// Database load with its retention: 7 days free, or paid months (31 days each, up to 731 days).
    case standard(retentionDays: Int = 7)
    /// Standard plus fleet views, lock analysis and execution plans; needs at least 465 days (15
    /// months) of retention ("Considerations for Database Insights for Amazon Aurora").
    case advanced(retentionDays: Int = 465)

    public static let minimumAdvancedRetentionDays = 465

    var mode: DBCluster.DatabaseInsightsMode {
        switch self {
        case .standard: .standard
        case .advanced: .advanced
        }
    }

    var retentionDays: Int {
        switch self {
        case .standard(let days), .advanced(let days): days
        }
    }

    /// What Performance Insights' retention accepts: 7 days, a number of 31-day months, or 731.
    static func isValidRetention(_ days: Int) -> Bool {
        days == 7 || days == 731 || (days > 0 && days % 31 == 0 && days / 31 <= 23)
    }

    var problems: [String] {
        var found: [String] = []
        if !Self.isValidRetention(retentionDays) {
            found.append("Database Insights retention \(retentionDays) days is not one Aurora accepts: 7, a number of 31-day months (31, 62, … 713) or 731")
        }
        if case .advanced(let days) = self, days < Self.minimumAdvancedRetentionDays {
            found.append("advanced Database Insights needs at least \(Self.minimumAdvancedRetentionDays) days of retention (got \(days)); use .advanced() or more months")
        }
        return found
    }
}
