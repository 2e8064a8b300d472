/// Settings AWS has retired, which still deploy but no longer mean what they did: reported as
/// warnings by `synth`, never as errors.
public enum RetiredSettings {
    static let performanceInsights = ["EnablePerformanceInsights", "PerformanceInsightsKMSKeyId", "PerformanceInsightsRetentionPeriod"]

    /// Performance Insights on an instance whose cluster sets no Database Insights: Performance
    /// Insights reached its end of life on 2026-07-31, and an Aurora cluster's monitoring is now
    /// Database Insights, set on the cluster (`DatabaseInsightsMode`). Instances may mirror their
    /// cluster's settings (they must match them).
    public static func warnings(_ template: Template, stack: String) -> [Diagnostic] {
        let withInsights = Set(template.resources.filter { resource in
            resource.resourceType == "AWS::RDS::DBCluster" && resource.properties.contains { $0.key == "DatabaseInsightsMode" }
        }.map(\.logicalId))
        return template.resources.filter { $0.resourceType == "AWS::RDS::DBInstance" }.compactMap { instance in
            let used = instance.properties.map(\.key).filter(performanceInsights.contains)
            let cluster = instance.properties.first { $0.key == "DBClusterIdentifier" }?.value
            guard !used.isEmpty, !withInsights.contains(where: { cluster == .intrinsic(.ref($0)) }) else { return nil }
            return Diagnostic("resource.retired-setting", severity: .warning, location: instance.attributes.location, subject: "stack \"\(stack)\": DBInstance \"\(instance.logicalId)\"",
                              message: "\(used.joined(separator: ", ")) configure Performance Insights, retired on 2026-07-31, and its cluster sets no "
                                  + "Database Insights; set it on the cluster (AuroraServerlessCluster.Settings.insights, DatabaseInsightsMode)")
        }
    }
}
