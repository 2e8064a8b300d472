import CloudFormation
import CostEstimate
import Foundation
import StackDiff
import Spawn
import Stacks
import SynthCore
import YAML

// Benchmarks for the synth path, run as `swift run -c release synth-bench`:
//   1. every stage synthesized and rendered in-process (target < 10 ms),
//   2. a generated 1,000-resource template synthesized and rendered (target < 100 ms),
//   3. `synth diff` of two 1,000-resource templates (target < 100 ms), and with the cost change
//      (target: cost adds < 10%), and rendering its report in every format (target: < 20% of the diff),
//   4. the whole `synth --all` and `synth cost --all` processes, start-up included (targets < 20 ms
//      and < 50 ms), when the release `synth` binary sits next to this one.

@discardableResult
func measure(_ label: String, iterations: Int, target: Double, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        let elapsed = try clock.measure(body)
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
    samples.sort()
    let p50 = samples[samples.count / 2]
    let p95 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.95))]
    let verdict = p50 < target ? "ok" : "OVER TARGET"
    print(String(format: "%-44@ p50 %8.3f ms   p95 %8.3f ms   target < %.0f ms   %@", label as NSString, p50, p95, target, verdict as NSString))
    return p50
}

/// A stack of `count` resources of the kinds the chat stacks use, wired to each other by references.
func largeStack(count: Int, changingEvery groups: Int? = nil) -> Stack {
    Stack("large", description: "\(count) generated resources") {
        for index in 0..<(count / 4) {
            // In every `groups`-th group of four resources the log group and the security group change:
            // 5 gives the 10% of resources the diff benchmark changes.
            let changed = groups.map { index % $0 == 0 } ?? false
            let role = Role("Role\(index)") {
                $0.assumeRolePolicyDocument = PolicyDocument {
                    Statement(principal: Statement.service("lambda.amazonaws.com"), actions: ["sts:AssumeRole"])
                }
                $0.managedPolicyArns = [Role.managedPolicy("service-role/AWSLambdaBasicExecutionRole")]
            }
            let logs = LogGroup("Logs\(index)") { $0.retentionInDays = changed ? 30 : 14 }.retention(onDelete: .delete)
            role
            Policy("Policy\(index)") {
                $0.policyName = .string("policy-\(index)")
                $0.policyDocument = PolicyDocument {
                    Statement(sid: "Logs", actions: ["logs:PutLogEvents"], resources: [logs.arn])
                }
                $0.roles = [role.ref]
            }
            logs
            SecurityGroup("Group\(index)") {
                $0.groupDescription = .sub("group \(index) of ${AWS::StackName}\(changed ? " (renamed)" : "")")
                $0.tags = ["Name": .string("group-\(index)"), "Index": .string(String(index))]
            }
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible { var description: String }

let synthesizer = Synthesizer(project: chatProject)
print("synth benchmarks (\(ProcessInfo.processInfo.processorCount) cores)")
try measure("all stages in-process (synthesize + render)", iterations: 200, target: 10) {
    for stage in chatApp.stages { _ = try synthesizer.artifacts(for: stage) }
}

var large = App(name: "bench", stages: [StageDefinition("bench") { [largeStack(count: 1000)] }])
large.maximumResourcesPerStack = 1000
let largeStage = large.stages[0]
let resources = try StageSynthesizer.synthesize(app: large, stage: largeStage)[0].template.resources.count
try measure("\(resources)-resource template (synthesize + render)", iterations: 30, target: 100) {
    let stacks = try StageSynthesizer.synthesize(app: large, stage: largeStage)
    _ = try TemplateRenderer.yaml(stacks[0].template)
}

// synth diff on two generated 1,000-resource templates, 10% of the resources changed.
let before = try TemplateRenderer.yaml(try StageSynthesizer.synthesize(app: large, stage: largeStage)[0].template)
var changedApp = App(name: "bench", stages: [StageDefinition("bench") { [largeStack(count: 1000, changingEvery: 5)] }])
changedApp.maximumResourcesPerStack = 1000
let after = try TemplateRenderer.yaml(try StageSynthesizer.synthesize(app: changedApp, stage: changedApp.stages[0])[0].template)
let changedCount = StackDiffer.diff(name: "bench", old: try Parser.parse(before), new: try Parser.parse(after)).resources.count
// `synth-bench --once`: one diff and one cost change and nothing else, for an instruction count that
// the machine's noise does not move: `valgrind --tool=callgrind --toggle-collect='*StackDiffer*diff*'`
// against `--toggle-collect='*CostModels*change*'`.
if CommandLine.arguments.contains("--once") {
    let old = TemplateTree(try Parser.parse(before)), new = TemplateTree(try Parser.parse(after))
    let result = StackDiffer.diff(name: "bench", old: old, new: new)
    let models = CostModels(prices: .usEast1, profile: chatUsageProfiles["prod"] ?? .idle)
    let change = models.change(name: "bench", stacks: [("large", old, new)])
    print("\(result.resources.count) changed resources, cost change \(change.fixedDelta)")
    exit(0)
}
let diffOnly = try measure("diff 2 × 1000 resources (\(changedCount) changed)", iterations: 40, target: 100) {
    _ = StackDiffer.diff(name: "bench", old: try Parser.parse(before), new: try Parser.parse(after))
}
// What `synth diff` adds for the cost change: both sides priced at a usage profile, then compared,
// on the trees the diff reads anyway (each template is read into a tree once).
let costModels = CostModels(prices: .usEast1, profile: chatUsageProfiles["prod"] ?? .idle)
let oldTree = TemplateTree(try Parser.parse(before)), newTree = TemplateTree(try Parser.parse(after))
let costOnly = measure("cost change of the same templates", iterations: 40, target: diffOnly * 0.1) {
    _ = costModels.change(name: "bench", stacks: [("large", oldTree, newTree)])
}
let diffAndCost = costOnly + diffOnly
print(String(format: "cost adds %.1f%% to synth diff", (diffAndCost / diffOnly - 1) * 100))
// The three formats, each rendered from the same sections (text, Markdown) or the same model (JSON).
let benchReport = DiffReport(stacks: [StackDiffer.diff(name: "bench", old: oldTree, new: newTree)], schema: [])
try measure("render text, Markdown and JSON of that diff", iterations: 40, target: diffOnly * 0.2) {
    _ = benchReport.text(color: false)
    _ = benchReport.markdown()
    _ = try benchReport.json()
}

let synthBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("synth")
if FileManager.default.isExecutableFile(atPath: synthBinary.path) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("synth-bench-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    // posix_spawn (Spawn), not Foundation's Process, which adds tens of milliseconds of its own per launch.
    try measure("`synth --all` process (start-up included)", iterations: 30, target: 20) {
        let status = try ChildProcess.run(synthBinary.path, ["--all", "--output-dir", output], standardOutput: false).status
        guard status == 0 else { throw BenchFailure(description: "synth --all exited \(status)") }
    }
    try measure("`synth cost --all` process (start-up included)", iterations: 30, target: 50) {
        let status = try ChildProcess.run(synthBinary.path, ["cost", "--all"], standardOutput: false).status
        guard status == 0 else { throw BenchFailure(description: "synth cost --all exited \(status)") }
    }
} else {
    print("`synth --all` process: \(synthBinary.path) not built; run `swift build -c release --product synth` first")
}
