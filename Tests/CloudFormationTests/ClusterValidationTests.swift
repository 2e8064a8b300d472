import Testing
@testable import CloudFormation

/// Every synth-time rule of the Aurora construct, fed a bad value, names the resource and the fix.
@Suite struct ClusterValidationTests {
    @Test func aValidDevClusterHasNoDiagnostics() {
        #expect(Fixtures.cluster().diagnostics.isEmpty)
    }

    @Test(arguments: [("13.10", "13.11"), ("14.7", "14.8"), ("15.2", "15.3"), ("16.0", "16.1"), ("17.3", "17.4")])
    func engineVersionWithoutTheDataAPI(version: String, minimum: String) {
        let messages = Fixtures.messages(of: Fixtures.cluster(version: AuroraEngineVersion(version)!, capacity: .init(minimum: 0.5, maximum: 4)))
        #expect(messages.contains { $0.contains("AuroraServerlessCluster \"ChatDB\"")
            && $0.contains("the Data API on Serverless v2 needs aurora-postgresql ≥ \(minimum) (got \(version)); raise engineVersion") },
            "\(messages)")
    }

    @Test func errorsNameTheFileAndLineOfTheDeclaration() {
        let message = Fixtures.messages(of: Fixtures.cluster(version: .init(major: 16, minor: 0), capacity: .init(minimum: 0.5, maximum: 4)))[0]
        #expect(message.hasPrefix("Tests/CloudFormationTests/Fixtures.swift:"), "\(message)")
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
