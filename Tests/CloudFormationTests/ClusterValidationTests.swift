import Testing
@testable import CloudFormation

/// Every synth-time rule of the Aurora construct, fed a bad value, names the resource and the fix.
@Suite struct ClusterValidationTests {
    @Test func aValidDevClusterHasNoDiagnostics() {
        #expect(Fixtures.cluster().diagnostics.isEmpty)
    }

    /// Every 16.x and 17.x that exists has the Data API (16.0 and 17.3 never shipped: see below).
    @Test(arguments: [("13.10", "13.11"), ("14.7", "14.8"), ("15.2", "15.3")])
    func engineVersionWithoutTheDataAPI(version: String, minimum: String) {
        let messages = Fixtures.messages(of: Fixtures.cluster(version: AuroraEngineVersion(version)!, capacity: .init(minimum: 0.5, maximum: 4)))
        #expect(messages.contains { $0.contains("AuroraServerlessCluster \"ChatDB\"")
            && $0.contains("the Data API on Serverless v2 needs aurora-postgresql ≥ \(minimum) (got \(version)); raise engineVersion") },
            "\(messages)")
    }

    /// A problem with a setting points at the line that set it (in a stage's settings, the version's
    /// or the capacity's own line); any other at the cluster's declaration.
    @Test func errorsNameTheFileAndLineOfWhatCausedThem() {
        let versionLine = #line + 1
        let version = AuroraEngineVersion(major: 15, minor: 2)
        let capacityLine = #line + 1
        let capacity = ServerlessCapacity(minimum: 8, maximum: 4)
        let messages = Fixtures.messages(of: Fixtures.cluster(version: version, capacity: capacity))
        #expect(messages.contains { $0.hasPrefix("Tests/CloudFormationTests/ClusterValidationTests.swift:\(versionLine): ") && $0.contains("needs aurora-postgresql ≥ 15.3") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("Tests/CloudFormationTests/ClusterValidationTests.swift:\(capacityLine): ") && $0.contains("MaxCapacity 4 is below MinCapacity 8") }, "\(messages)")
        var settings = Fixtures.settings(version: .init(major: 16, minor: 10), capacity: .init(minimum: 0.5, maximum: 4))
        settings.databaseName = "1chat"
        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let clusterLine = #line + 1
        let cluster = AuroraServerlessCluster("ChatDB", settings, network: network, key: EncryptionKey("Key", description: "test", alias: "alias/test"))
        #expect(Fixtures.messages(of: cluster).allSatisfy { $0.hasPrefix("Tests/CloudFormationTests/ClusterValidationTests.swift:\(clusterLine): ") })
        #expect(!Fixtures.messages(of: cluster).isEmpty)
    }

    /// Versions that never shipped are refused with the ones that did, nearby.
    @Test(arguments: [("16.99", "the nearest are 16.15"), ("16.5", "the nearest are 16.4 and 16.6"), ("17.3", "the nearest are 17.4"),
                      ("16.0", "the nearest are 16.1")])
    func aVersionThatDoesNotExistNamesTheNearest(version: String, nearest: String) {
        let messages = Fixtures.messages(of: Fixtures.cluster(version: AuroraEngineVersion(version)!, capacity: .init(minimum: 0.5, maximum: 4)))
        #expect(messages.count == 1 && messages[0].contains("aurora-postgresql \(version) does not exist") && messages[0].contains(nearest), "\(messages)")
    }

    /// `not a cidr` reached the template once and cfn-lint said E3002 'not a cidr' is not a 'ipv4-network'.
    @Test(arguments: [("not a cidr", "is not an IPv4 network"), ("10.0.0.0/24", "is a /24"), ("10.0.0.256/16", "is not an IPv4 network"),
                      ("10.40.0.0/16", nil), ("172.16.0.0/20", nil)] as [(String, String?)])
    func aNetworksCidrIsAnIPv4RangeItsSubnetsFit(cidr: String, problem: String?) {
        let messages = Fixtures.messages(of: PrivateNetwork("Network", cidr: cidr, zones: 2))
        if let problem {
            #expect(messages.count == 1 && messages[0].contains(problem), "\(messages)")
        } else {
            #expect(messages.isEmpty, "\(messages)")
        }
    }

    @Test func pgvectorIsTheNewestTheReleaseNotesGiveForTheMajor() {
        #expect(AuroraEngineVersion(major: 16, minor: 10).pgvector == "0.8.0")
        #expect(AuroraEngineVersion(major: 16, minor: 13).pgvector == "0.8.1")
        #expect(AuroraEngineVersion(major: 15, minor: 2).pgvector == nil)
    }

    @Test(arguments: [("13.14", "13.15"), ("14.11", "14.12"), ("15.6", "15.7"), ("16.2", "16.3")])
    func minCapacityZeroNeedsScaleToZeroVersion(version: String, minimum: String) {
        let messages = Fixtures.messages(of: Fixtures.cluster(version: AuroraEngineVersion(version)!))
        #expect(messages.contains { $0.contains("MinCapacity 0 needs aurora-postgresql ≥ \(minimum) (got \(version))") }, "\(messages)")
    }

    @Test func capacitiesMustBeHalfSteps() {
        let messages = Fixtures.messages(of: Fixtures.cluster(capacity: .init(minimum: 0.7, maximum: 4.2)))
        #expect(messages.contains { $0.contains("MinCapacity 0.7 is not a multiple of 0.5 ACU") })
        #expect(messages.contains { $0.contains("MaxCapacity 4.2 is not a multiple of 0.5 ACU") })
    }

    @Test func maxCapacityBelowOne() {
        let messages = Fixtures.messages(of: Fixtures.cluster(capacity: .init(minimum: 0.5, maximum: 0.5)))
        #expect(messages.contains { $0.contains("MaxCapacity 0.5 is below 1 ACU; raise it to at least 1") }, "\(messages)")
    }

    @Test func maxCapacityBelowMinCapacity() {
        let messages = Fixtures.messages(of: Fixtures.cluster(capacity: .init(minimum: 8, maximum: 4)))
        #expect(messages.contains { $0.contains("MaxCapacity 4 is below MinCapacity 8") }, "\(messages)")
    }

    @Test func maxCapacityAboveWhatTheVersionAllows() {
        let messages = Fixtures.messages(of: Fixtures.cluster(version: .init(major: 15, minor: 4), capacity: .init(minimum: 0.5, maximum: 256)))
        #expect(messages.contains { $0.contains("MaxCapacity 256 exceeds the 128 ACU that aurora-postgresql 15.4 allows") }, "\(messages)")
    }

    @Test(arguments: [299, 86_401])
    func autoPauseOutsideItsRange(seconds: Int) {
        let messages = Fixtures.messages(of: Fixtures.cluster(capacity: .init(minimum: 0, maximum: 4, secondsUntilAutoPause: seconds)))
        #expect(messages.contains { $0.contains("SecondsUntilAutoPause \(seconds) is outside 300–86,400 seconds") }, "\(messages)")
    }

    @Test func autoPauseWithoutMinCapacityZero() {
        let messages = Fixtures.messages(of: Fixtures.cluster(capacity: .init(minimum: 0.5, maximum: 4, secondsUntilAutoPause: 600)))
        #expect(messages.contains { $0.contains("SecondsUntilAutoPause is set but MinCapacity is 0.5; auto-pause needs MinCapacity 0") }, "\(messages)")
    }

    /// A version is a type, so only a major this generator knows the limits of can be wrong; one it
    /// does not know is refused at synth time, naming the ones it does.
    @Test func unsupportedVersionsAndTheParameterGroupFamily() {
        #expect(AuroraEngineVersion("sixteen") == nil && AuroraEngineVersion("16") == nil && AuroraEngineVersion("16.10") == .init(major: 16, minor: 10))
        for major in [12, 18] {
            #expect(Fixtures.messages(of: Fixtures.cluster(version: .init(major: major, minor: 9)))
                .contains { $0.contains("aurora-postgresql \(major).9 has no Serverless v2 Data API; use major 13–17") })
        }
        #expect(Fixtures.cluster(version: .init(major: 15, minor: 8)).parameterGroup.family == .string("aurora-postgresql15"))
    }

    @Test func networkNeedsTwoZones() {
        let messages = Fixtures.messages(of: PrivateNetwork("Net", cidr: "10.0.0.0/16", zones: 1))
        #expect(messages.contains { $0.contains("PrivateNetwork \"Net\": zones must be 2–6 (got 1)") }, "\(messages)")
    }
}
