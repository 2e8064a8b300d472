/// Resource types that hold data, and what their deletion policies keep when one is removed or replaced.
enum StatefulResources {
    static let types: Set<String> = [
        "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::SecretsManager::Secret", "AWS::KMS::Key", "AWS::Logs::LogGroup",
        "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::S3::Bucket", "AWS::EFS::FileSystem",
        "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster",
        "AWS::Redshift::Cluster", "AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain", "AWS::SQS::Queue",
        "AWS::Kinesis::Stream", "AWS::EC2::Volume", "AWS::Backup::BackupVault", "AWS::Cognito::UserPool", "AWS::FSx::FileSystem",
    ]

    /// An Aurora instance keeps no data of its own: the cluster does.
    static func holdsData(_ type: String, properties: TemplateTree?) -> Bool {
        types.contains(type) && !(type == "AWS::RDS::DBInstance" && properties?["DBClusterIdentifier"] != nil)
    }

    /// What happens to the data when the resource goes away under `policy` (DeletionPolicy on removal,
    /// UpdateReplacePolicy on replacement); nil when nothing is lost. `Retain` and
    /// `RetainExceptOnCreate` keep an existing resource (the latter deletes one only when the stack's
    /// own creation fails), so they lose nothing: the diff lists the resource as left behind instead.
    static func note(type: String, change: String, policy: String?) -> String? {
        guard types.contains(type) else { return nil }
        // CloudFormation snapshots a DB cluster (and a DB instance outside one) when no policy is given.
        let effective = policy ?? (type == "AWS::RDS::DBCluster" ? "Snapshot" : "Delete")
        switch effective {
        case "Retain", "RetainExceptOnCreate": return nil
        case "Snapshot": return "\(change): the old resource is deleted after a final snapshot (policy Snapshot)"
        default: return "\(change): the old resource and its data are deleted (policy \(effective))"
        }
    }
}
