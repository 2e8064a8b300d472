import ArgumentParser
import CloudFormation
import CostEstimate
import DiffSources
import StackDiff
import Stacks
import SynthCore
import YAML

/// `synth cost`: what a stage costs a month, from its templates.
struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Estimate what each stage costs a month: the floor paid with no traffic, and the cost at the stage's usage profile.",
        discussion: """
            synth cost dev                       the dev stage at its usage profile (stacks/Stages.swift)
            synth cost --all                     every stage
            synth cost a.yaml b.yaml             any templates, at no traffic unless the flags below say otherwise
            synth cost prod --requests-per-month 10000000 --average-acu 4    what if
            Resources the price table has no model for are listed as not priced, never counted as zero.
            Exit status: 0; 2 for bad usage, an unknown region or an unreadable template.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    @Argument(help: "Stages, or template files.") var targets: [String] = []
    @Flag(help: "Every stage.") var all = false
    @Option(help: "The price table's region.") var region = "us-east-1"
    @Option(help: "text (default), markdown, or json.") var format: Format = .text
    @OptionGroup var usage: UsageOverrides

    func run() throws {
        let prices: PriceTable
        do {
            prices = try PriceTable.forRegion(region)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let estimates: [Estimate]
        do {
            estimates = try makeEstimates(prices: prices)
        } catch let error as CostError {
            printError("error: \(error)")
            throw ExitCode(2)
        } catch let error as DiffInputs.Unreadable {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        switch format {
        case .text: print(EstimateReport.text(estimates), terminator: "")
        case .markdown: print(EstimateReport.markdown(estimates), terminator: "")
        case .json: print(EstimateReport.json(estimates), terminator: "")
        }
    }

    func makeEstimates(prices: PriceTable) throws -> [Estimate] {
        let isFile = { (path: String) in path.contains("/") || path.contains(".") }
        if !targets.isEmpty && targets.allSatisfy(isFile) {
            let stacks = try targets.map { path in (name: path, template: TemplateTree(try DiffInputs.template(at: path))) }
            let models = CostModels(prices: prices, profile: try usage.applied(to: .idle))
            return [models.estimate(name: targets.joined(separator: " + "), stacks: stacks)]
        }
        guard all || !targets.isEmpty else {
            printError("error: name a stage (\(synthesizer.stageNames.joined(separator: ", "))), pass --all, or give template files")
            throw ExitCode(2)
        }
        return try (all ? synthesizer.stageNames : targets).map { name in
            let stage = try reported { try synthesizer.stage(named: name) }
            let profile = try usage.applied(to: chatUsageProfiles[name] ?? .idle)
            return CostModels(prices: prices, profile: profile).estimate(name: name, stacks: try StageTemplates.current(stage))
        }
    }
}

/// `--requests-per-month` and friends: what-if overrides of a usage profile.
struct UsageOverrides: ParsableArguments {
    @Option(name: .customLong("requests-per-month")) var requestsPerMonth: Double?
    @Option(name: .customLong("average-duration-ms")) var averageDurationMs: Double?
    @Option(name: .customLong("statements-per-request")) var statementsPerRequest: Double?
    @Option(name: .customLong("payload-bytes"), help: "Request plus response bytes of one statement.") var payloadBytes: Double?
    @Option(name: .customLong("stored-gb")) var storedGB: Double?
    @Option(name: .customLong("average-acu")) var averageACU: Double?
    @Option(name: .customLong("log-gb"), help: "Log data ingested a month, GB.") var logGB: Double?
    @Option(name: .customLong("network-gb"), help: "GB a month through each NAT gateway and interface endpoint.") var networkGB: Double?

    func applied(to base: UsageProfile) throws(CostError) -> UsageProfile {
        var profile = base
        if let requestsPerMonth { profile.requestsPerMonth = requestsPerMonth }
        if let averageDurationMs { profile.averageDurationMs = averageDurationMs }
        if let statementsPerRequest { profile.statementsPerRequest = statementsPerRequest }
        if let payloadBytes { profile.averagePayloadBytes = payloadBytes }
        if let storedGB { profile.storedGB = storedGB }
        if let averageACU { profile.averageACU = averageACU }
        if let logGB { profile.logGBPerMonth = logGB }
        if let networkGB { profile.networkGBPerMonth = networkGB }
        return try profile.validated()
    }
}

/// A stage's templates as the stacks produce them now, read the way `synth diff` reads files.
enum StageTemplates {
    static func current(_ stage: StageDefinition) throws -> [(name: String, template: TemplateTree)] {
        try StageSynthesizer.synthesize(app: chatApp, stage: stage).map { stack in
            (name: stack.name, template: TemplateTree(TemplateRenderer.node(stack.template)))
        }
    }
}
