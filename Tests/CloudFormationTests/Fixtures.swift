import CloudFormation

/// Small, valid building blocks the tests bend one setting at a time.
enum Fixtures {
    static let devCapacity = ServerlessCapacity(minimum: 0, maximum: 4, secondsUntilAutoPause: 1800)

    static func settings(version: AuroraEngineVersion = .init(major: 16, minor: 10), capacity: ServerlessCapacity = devCapacity) -> AuroraServerlessCluster.Settings {
        AuroraServerlessCluster.Settings(engineVersion: version, capacity: capacity, databaseName: "chat",
                                         deletionProtection: false, backupRetentionDays: 1)
    }

    static func cluster(version: AuroraEngineVersion = .init(major: 16, minor: 10), capacity: ServerlessCapacity = devCapacity) -> AuroraServerlessCluster {
        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let key = EncryptionKey("Key", description: "test", alias: "alias/test")
        return AuroraServerlessCluster("ChatDB", settings(version: version, capacity: capacity), network: network, key: key)
    }

    static func messages(of content: some StackContent) -> [String] { content.diagnostics.map(\.description) }
}
