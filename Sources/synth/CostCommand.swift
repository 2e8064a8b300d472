import CloudFormation
import CommandArguments
import CostEstimate
import DiffSources
import StackDiff
import Stacks
import SynthCore
import YAML

/// `synth cost`: what a stage costs a month, from its templates.
struct Cost: SynthCommand {
    static let spec = CommandSpec(
        name: "cost",
        abstract: "Estimate what each stage costs a month: the floor paid with no traffic, and the cost at the stage's usage profile.",
        discussion: """
            synth cost dev                       the dev stage at its usage profile (stacks/Stages.swift)
            synth cost --all                     every stage
            synth cost a.yaml b.yaml             any templates, at no traffic unless the flags below say otherwise
            synth cost prod --requests-per-month 10000000 --average-acu 4    what if
            Resources the price table has no model for are listed as not priced, never counted as zero.
            Exit status: 0; 2 for bad usage, an unknown region or an unreadable template.
            """,
        operands: .init("targets", help: "Stages, or template files."),
        options: [
            .flag("all", help: "Every stage."),
            .value("region", defaultValue: defaultRegion, help: "The price table's region."),
            .value("format", allowed: Format.allCases.map(\.rawValue), defaultValue: Format.text.rawValue, help: "text (default), markdown, or json."),
        ] + UsageOverrides.specs
    )

    static let defaultRegion = "us-east-1"

    enum Format: String, CaseIterable { case text, markdown, json }

    var targets: [String]
    var all: Bool
    var region: String
    var format: Format
    var usage: UsageOverrides

    init(_ arguments: ParsedArguments) throws(UsageError) {
        targets = arguments.operands
        all = arguments.flag("all")
        region = arguments.value("region") ?? Self.defaultRegion
        // The parser accepts only the declared values, so this reading cannot fail.
        format = arguments.value("format").flatMap(Format.init(rawValue:)) ?? .text
        usage = try UsageOverrides(arguments, of: Self.spec)
    }

    func run() throws {
        let prices: PriceTable
        do {
            prices = try PriceTable.forRegion(region)
        } catch {
            printError("error: \(error)")
            throw CommandOutcome.usage
        }
        let estimates: [Estimate]
        do {
            estimates = try makeEstimates(prices: prices)
        } catch let error as CostError {
            printError("error: \(error)")
            throw CommandOutcome.usage
        } catch let error as DiffInputs.Unreadable {
            printError("error: \(error)")
            throw CommandOutcome.usage
        }
        switch format {
        case .text: print(EstimateReport.text(estimates), terminator: "")
        case .markdown: print(EstimateReport.markdown(estimates), terminator: "")
        case .json: print(EstimateReport.json(estimates), terminator: "")
        }
    }

    func makeEstimates(prices: PriceTable) throws -> [Estimate] {
        if !targets.isEmpty && targets.allSatisfy(namesAFile) {
            let stacks = try targets.map { path in (name: path, template: TemplateTree(try DiffInputs.template(at: path))) }
            let models = CostModels(prices: prices, profile: try usage.applied(to: .idle))
            return [models.estimate(name: targets.joined(separator: " + "), stacks: stacks)]
        }
        guard all || !targets.isEmpty else {
            throw UsageError("name a stage (\(synthesizer.stageNames.joined(separator: ", "))), pass --all, or give template files",
                             subcommand: Self.spec.name)
        }
        return try (all ? synthesizer.stageNames : targets).map { name in
            let stage = try reported { try synthesizer.stage(named: name) }
            let profile = try usage.applied(to: chatUsageProfiles[name] ?? .idle)
            return CostModels(prices: prices, profile: profile).estimate(name: name, stacks: try StageTemplates.current(stage))
        }
    }
}

/// `--requests-per-month` and friends: what-if overrides of a usage profile.
struct UsageOverrides {
    static let specs: [OptionSpec] = [
        .value("requests-per-month"),
        .value("average-duration-ms"),
        .value("statements-per-request"),
        .value("payload-bytes", help: "Request plus response bytes of one statement."),
        .value("stored-gb"),
        .value("average-acu"),
        .value("log-gb", help: "Log data ingested a month, GB."),
        .value("network-gb", help: "GB a month through each NAT gateway and interface endpoint."),
    ]

    var requestsPerMonth, averageDurationMs, statementsPerRequest, payloadBytes, storedGB, averageACU, logGB, networkGB: Double?

    init(_ arguments: ParsedArguments, of command: CommandSpec) throws(UsageError) {
        func number(_ name: String) throws(UsageError) -> Double? { try arguments.value(name, of: command, as: "a number", Double.init) }
        requestsPerMonth = try number("requests-per-month")
        averageDurationMs = try number("average-duration-ms")
        statementsPerRequest = try number("statements-per-request")
        payloadBytes = try number("payload-bytes")
        storedGB = try number("stored-gb")
        averageACU = try number("average-acu")
        logGB = try number("log-gb")
        networkGB = try number("network-gb")
    }

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
