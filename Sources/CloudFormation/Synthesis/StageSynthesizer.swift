/// Synthesizes one stage: collects construct diagnostics, wires cross-stack references into
/// exports and imports, orders the stacks for deployment and validates every template.
public enum StageSynthesizer {
    public static func synthesize(app: App, stage: StageDefinition) throws(Diagnostics) -> [SynthesizedStack] {
        let stacks = stage.build()
        var errors = stacks.flatMap { stack in
            stack.diagnostics.map { error in
                var error = error
                error.subject = "stack \"\(stack.name)\": \(error.subject)"
                return error
            }
        }
        var seen = Set<String>()
        for stack in stacks where !seen.insert(stack.name).inserted {
            errors.append(Diagnostic("stage.duplicate-stack", subject: "stacks", message: "stack \"\(stack.name)\" is declared twice"))
        }
        // Every message names the stage: the same stacks are built once per stage, with its settings.
        func staged(_ errors: [Diagnostic]) -> Diagnostics {
            Diagnostics(errors.map { error in
                var error = error
                error.subject = "stage \"\(stage.name)\": " + error.subject
                return error
            })
        }
        guard errors.isEmpty else { throw staged(errors) }

        let deployNames = stacks.map { "\(app.name)-\(stage.name)-\($0.name)" }
        var linked = CrossStackLinker(stacks: stacks.map { ($0.name, $0.template) }, deployNames: deployNames)
        linked.link()
        errors += linked.errors
        let order: [Int]
        switch DeployOrder.sort(count: stacks.count, dependencies: linked.dependencies) {
        case .success(let sorted): order = sorted
        case .failure(let cycle):
            let names = (cycle + [cycle[0]]).map { stacks[$0].name }.joined(separator: " → ")
            errors.append(Diagnostic("stage.stack-cycle", subject: "stacks",
                                     message: "stacks refer to each other in a cycle (\(names)); move the shared resource into one of them"))
            order = Array(stacks.indices)
        }
        let checker = PropertyRuleChecker()
        for (index, stack) in stacks.enumerated() {
            errors += TemplateValidator.validate(linked.templates[index], stack: stack.name, resourceLimit: app.maximumResourcesPerStack)
            for resource in linked.templates[index].resources {
                for violation in checker.violations(of: resource) {
                    errors.append(Diagnostic("property.\(violation.check)", location: resource.attributes.location,
                                             subject: "stack \"\(stack.name)\": resource \"\(resource.logicalId)\" (\(resource.resourceType))",
                                             message: violation.message + " (the resource provider schema's rule)"))
                }
            }
        }
        guard errors.isEmpty else { throw staged(errors) }
        return order.map { index in
            SynthesizedStack(
                name: stacks[index].name, deployName: deployNames[index], template: linked.templates[index],
                dependencies: linked.dependencies[index].sorted().map { stacks[$0].name },
                warnings: RetiredSettings.warnings(linked.templates[index], stack: stacks[index].name))
        }
    }
}

/// Stable topological order: among stacks that are ready, the one declared first goes first.
enum DeployOrder {
    enum Result { case success([Int]), failure(cycle: [Int]) }

    /// A stage has a handful of stacks: lists and flags, not sets, which would make the runtime look
    /// up Int's hashing for this alone.
    static func sort(count: Int, dependencies: [[Int]]) -> Result {
        var placed: [Int] = []
        var done = [Bool](repeating: false, count: count)
        while placed.count < count {
            guard let next = (0..<count).first(where: { !done[$0] && dependencies[$0].allSatisfy { done[$0] } }) else {
                return .failure(cycle: findCycle(dependencies: dependencies, excluding: done))
            }
            placed.append(next)
            done[next] = true
        }
        return .success(placed)
    }

    private static func findCycle(dependencies: [[Int]], excluding done: [Bool]) -> [Int] {
        // Every remaining stack depends on a remaining stack, so walking dependencies must revisit one.
        var path: [Int] = []
        var current = (0..<dependencies.count).first { !done[$0] } ?? 0
        while !path.contains(current) {
            path.append(current)
            current = dependencies[current].filter { !done[$0] }.min() ?? current
        }
        return Array(path[path.firstIndex(of: current)!...]).reversed()
    }
}
