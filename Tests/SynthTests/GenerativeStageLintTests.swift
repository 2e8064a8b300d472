import CloudFormation
import Foundation
import Stacks
import Testing
import TestSupport

/// Seeded random mutations of the stages' settings (capacities, engine versions, booleans, names,
/// counts, CIDRs, lists emptied, optional parts dropped or added), each synthesized: synth either
/// refuses the stage with an error, or every template it writes passes cfn-lint (the peer, from the
/// project's venv) with no error. `GENERATIVE_LINT_MUTATIONS` (default 300) and
/// `GENERATIVE_LINT_SEED` (default 1) run a longer pass or replay one.
@Suite(.timeLimit(.minutes(15))) struct GenerativeStageLintTests {
    typealias Mutation = @Sendable (inout StageSettings, inout SeededRandom) -> String

    static let mutations: [Mutation] = [
        { settings, random in
            let minimum = random.pick([0, 0.5, 1, 1.5, 2, 8, 64, 0.7, -1] as [Double])!
            settings.capacity.minimum = minimum
            return "capacity.minimum = \(minimum)"
        },
        { settings, random in
            let maximum = random.pick([0.5, 1, 2, 4, 16, 64, 128, 256, 300, 4.2] as [Double])!
            settings.capacity.maximum = maximum
            return "capacity.maximum = \(maximum)"
        },
        { settings, random in
            let seconds = random.pick([nil, 10, 300, 1800, 86_400, 100_000] as [Int?])!
            settings.capacity.secondsUntilAutoPause = seconds
            return "capacity.secondsUntilAutoPause = \(seconds.map(String.init) ?? "nil")"
        },
        { settings, random in
            let versions = AuroraEngineVersion.releases.map(\.version) + [AuroraEngineVersion(major: 16, minor: 5), AuroraEngineVersion(major: 18, minor: 1),
                                                                          AuroraEngineVersion(major: 12, minor: 4)]
            let version = random.pick(versions)!
            settings.engineVersion = version
            return "engineVersion = \(version)"
        },
        { settings, _ in
            settings.deletionProtection.toggle()
            return "deletionProtection = \(settings.deletionProtection)"
        },
        { settings, random in
            settings.backupRetentionDays = random.pick([0, 1, 7, 35, 36])!
            return "backupRetentionDays = \(settings.backupRetentionDays)"
        },
        { settings, random in
            settings.logRetentionDays = random.pick([0, 1, 2, 3, 7, 14, 30, 400, 3653, 5000])!
            return "logRetentionDays = \(settings.logRetentionDays)"
        },
        { settings, random in
            settings.reservedConcurrency = random.pick([-1, 0, 1, 5, 100, 1000, 5000])!
            return "reservedConcurrency = \(settings.reservedConcurrency)"
        },
        { settings, _ in
            settings.architecture = settings.architecture == .arm64 ? .x86_64 : .arm64
            return "architecture = \(settings.architecture)"
        },
        { settings, random in
            settings.readers = random.pick([0, 1, 2, 15, 16, -1])!
            return "readers = \(settings.readers)"
        },
        { settings, random in
            settings.networkCidr = random.pick(["10.40.0.0/16", "10.0.0.0/24", "192.168.0.0/16", "10.0.0.0/28", "172.16.0.0/12", "10.0.0.0/8", "not a cidr"])!
            return "networkCidr = \(settings.networkCidr)"
        },
        { settings, _ in
            settings.backend = settings.backend == .dataAPI ? .postgres : .dataAPI
            return "backend = \(settings.backend)"
        },
        { settings, random in
            settings.throttling.burstLimit = random.pick([-1, 0, 1, 20, 5000, 10_000])!
            settings.throttling.requestsPerSecond = random.pick([0, 0.5, 10, 10_000] as [Double])!
            return "throttling = \(settings.throttling.burstLimit) burst, \(settings.throttling.requestsPerSecond)/s"
        },
        { settings, random in
            switch random.below(3) {
            case 0: settings.authentication.audience = []
            case 1: settings.authentication.audience += ["second-client"]
            default: settings.authentication.issuer = random.pick(["", "http://insecure.example.com", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"])!
            }
            return "authentication = \(settings.authentication.issuer) \(settings.authentication.audience)"
        },
        { settings, random in
            settings.databaseInsights = random.below(2) == 0 ? .standard() : .advanced()
            return "databaseInsights = \(settings.databaseInsights)"
        },
        { settings, _ in
            settings.declaresPostgresLogGroup.toggle()
            return "declaresPostgresLogGroup = \(settings.declaresPostgresLogGroup)"
        },
        { settings, random in
            settings.secretRotationDays = random.pick([0, 1, 4, 30, 365, 1000, 1001])!
            return "secretRotationDays = \(settings.secretRotationDays)"
        },
        { settings, random in
            settings.name = random.pick(["dev", "qa", "a", "pr-1234", "Preview_7", String(repeating: "long", count: 12), "with space"])!
            return "name = \(settings.name)"
        },
        { settings, random in
            settings.embeddingDimension = random.pick([8, 384, 1024, 2000, 3072])!
            return "embeddingDimension = \(settings.embeddingDimension)"
        },
    ]

    static func environment(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
    }

    @Test func everyMutationIsRefusedBySynthOrPassesCfnLint() async throws {
        // A minute of synthesis and cfn-lint: off the threads the async tests share.
        let (count, refused, failures) = try await offThePool { try Self.lintMutations() }
        #expect(refused < count, "synth refused every mutation, so cfn-lint checked nothing")
        #expect(failures.isEmpty, "synth wrote templates cfn-lint rejects:\n\(failures.prefix(40).joined(separator: "\n"))")
    }

    /// The mutations made, how many synth refused, and what cfn-lint found (each with its seeds and mutations).
    static func lintMutations() throws -> (Int, Int, [String]) {
        let count = Self.environment("GENERATIVE_LINT_MUTATIONS", default: 300)
        let firstSeed = UInt64(Self.environment("GENERATIVE_LINT_SEED", default: 1))
        let started = Date()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generative-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var described: [UInt64: String] = [:]
        var fileOf: [String: String] = [:]  // template text → the file written for it (each distinct template is linted once)
        var seedsOf: [String: [UInt64]] = [:]  // file → the seeds whose synthesis wrote that template
        var refused = 0
        for seed in firstSeed..<(firstSeed + UInt64(count)) {
            var random = SeededRandom(seed: seed)
            var settings = random.pick(StageSettings.all)!
            var applied: [String] = ["from \(settings.name)"]
            for _ in 0..<(1 + random.below(3)) { applied.append(random.pick(Self.mutations)!(&settings, &random)) }
            described[seed] = applied.joined(separator: "; ")
            let frozen = settings
            let stage = StageDefinition(frozen.name) {
                let database = DatabaseStack(frozen)
                return [database.stack, AppStack(frozen, database: database).stack]
            }
            let stacks: [SynthesizedStack]
            do {
                stacks = try StageSynthesizer.synthesize(app: chatApp, stage: stage)
            } catch {
                refused += 1
                continue
            }
            for stack in stacks {
                let text = try TemplateRenderer.yaml(stack.template)
                let file = fileOf[text] ?? folder.appendingPathComponent("\(fileOf.count).yaml").path
                if fileOf[text] == nil {
                    try text.write(toFile: file, atomically: true, encoding: .utf8)
                    fileOf[text] = file
                }
                seedsOf[file, default: []].append(seed)
            }
        }
        let files = Array(seedsOf.keys).sorted()
        var failures: [String] = []
        for batch in stride(from: 0, to: files.count, by: 120).map({ Array(files[$0..<min($0 + 120, files.count)]) }) {
            let result = try runProgram(TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/cfn-lint"), ["--format", "json", "--"] + batch)
            let start = result.output.firstIndex(of: "[") ?? result.output.startIndex
            let matches = try JSONSerialization.jsonObject(with: Data(result.output[start...].utf8)) as? [[String: Any]] ?? []
            for match in matches where (match["Level"] as? String) == "Error" {
                let file = match["Filename"] as? String ?? "?"
                let rule = (match["Rule"] as? [String: Any])?["Id"] as? String ?? "?"
                let seeds = seedsOf[file] ?? []
                failures.append("seeds \(seeds.map(String.init).joined(separator: ", ")) (\(seeds.first.flatMap { described[$0] } ?? "?")): \(rule) \(match["Message"] as? String ?? "")")
            }
        }
        print("generative lint: \(count) mutations from seed \(firstSeed), \(refused) refused by synth, \(files.count) distinct templates linted, "
              + "\(failures.count) cfn-lint errors, \(String(format: "%.0f", Date().timeIntervalSince(started))) s")
        return (count, refused, failures)
    }
}
