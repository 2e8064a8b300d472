// AWS::RDS resources. Swift names are CloudFormation's property names in lower camel case; the
// `properties` lists give the exact CloudFormation spelling.

public struct DBCluster: TypedResource {
    public let resourceType = "AWS::RDS::DBCluster"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var dbClusterIdentifier: Value?
    public var engine: Value?
    public var engineVersion: Value?
    public var databaseName: Value?
    public var masterUsername: Value?
    public var masterUserPassword: Value?
    public var manageMasterUserPassword: Value?
    public var enableHttpEndpoint: Value?
    public var serverlessV2ScalingConfiguration: Value?
    public var storageEncrypted: Value?
    public var kmsKeyId: Value?
    public var port: Value?
    public var dbSubnetGroupName: Value?
    public var vpcSecurityGroupIds: Value?
    public var dbClusterParameterGroupName: Value?
    public var deletionProtection: Value?
    public var backupRetentionPeriod: Value?
    public var preferredBackupWindow: Value?
    public var preferredMaintenanceWindow: Value?
    public var enableCloudwatchLogsExports: Value?
    public var enableIAMDatabaseAuthentication: Value?
    public var copyTagsToSnapshot: Value?
    public var autoMinorVersionUpgrade: Value?
    public var databaseInsightsMode: Value?
    public var performanceInsightsEnabled: Value?
    public var performanceInsightsKmsKeyId: Value?
    public var performanceInsightsRetentionPeriod: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(
            ("DBClusterIdentifier", dbClusterIdentifier), ("Engine", engine), ("EngineVersion", engineVersion), ("DatabaseName", databaseName),
            ("MasterUsername", masterUsername), ("MasterUserPassword", masterUserPassword),
            ("ManageMasterUserPassword", manageMasterUserPassword), ("EnableHttpEndpoint", enableHttpEndpoint),
            ("ServerlessV2ScalingConfiguration", serverlessV2ScalingConfiguration),
            ("StorageEncrypted", storageEncrypted), ("KmsKeyId", kmsKeyId), ("Port", port),
            ("DBSubnetGroupName", dbSubnetGroupName), ("VpcSecurityGroupIds", vpcSecurityGroupIds),
            ("DBClusterParameterGroupName", dbClusterParameterGroupName), ("DeletionProtection", deletionProtection),
            ("BackupRetentionPeriod", backupRetentionPeriod), ("PreferredBackupWindow", preferredBackupWindow),
            ("PreferredMaintenanceWindow", preferredMaintenanceWindow),
            ("EnableCloudwatchLogsExports", enableCloudwatchLogsExports),
            ("EnableIAMDatabaseAuthentication", enableIAMDatabaseAuthentication),
            ("CopyTagsToSnapshot", copyTagsToSnapshot), ("AutoMinorVersionUpgrade", autoMinorVersionUpgrade),
            ("DatabaseInsightsMode", databaseInsightsMode), ("PerformanceInsightsEnabled", performanceInsightsEnabled),
            ("PerformanceInsightsKmsKeyId", performanceInsightsKmsKeyId),
            ("PerformanceInsightsRetentionPeriod", performanceInsightsRetentionPeriod),
            ("Tags", tags)
        )
    }

    public var endpointAddress: Value { getAtt("Endpoint.Address") }
    public var endpointPort: Value { getAtt("Endpoint.Port") }
    public var arn: Value { getAtt("DBClusterArn") }
}

public struct DBInstance: TypedResource {
    public let resourceType = "AWS::RDS::DBInstance"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var dbInstanceClass: Value?
    public var engine: Value?
    public var dbClusterIdentifier: Value?
    public var publiclyAccessible: Value?
    public var autoMinorVersionUpgrade: Value?
    public var monitoringInterval: Value?
    public var monitoringRoleArn: Value?
    public var enablePerformanceInsights: Value?
    public var performanceInsightsKMSKeyId: Value?
    public var performanceInsightsRetentionPeriod: Value?
    public var caCertificateIdentifier: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(
            ("DBInstanceClass", dbInstanceClass), ("Engine", engine), ("DBClusterIdentifier", dbClusterIdentifier),
            ("PubliclyAccessible", publiclyAccessible), ("AutoMinorVersionUpgrade", autoMinorVersionUpgrade),
            ("MonitoringInterval", monitoringInterval), ("MonitoringRoleArn", monitoringRoleArn),
            ("EnablePerformanceInsights", enablePerformanceInsights),
            ("PerformanceInsightsKMSKeyId", performanceInsightsKMSKeyId),
            ("PerformanceInsightsRetentionPeriod", performanceInsightsRetentionPeriod),
            ("CACertificateIdentifier", caCertificateIdentifier), ("Tags", tags)
        )
    }
}

public struct DBSubnetGroup: TypedResource {
    public let resourceType = "AWS::RDS::DBSubnetGroup"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var dbSubnetGroupDescription: Value?
    public var subnetIds: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("DBSubnetGroupDescription", dbSubnetGroupDescription), ("SubnetIds", subnetIds), ("Tags", tags))
    }
}

public struct DBClusterParameterGroup: TypedResource {
    public let resourceType = "AWS::RDS::DBClusterParameterGroup"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var description: Value?
    public var family: Value?
    public var parameters: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Description", description), ("Family", family), ("Parameters", parameters), ("Tags", tags))
    }
}
