/// Everything `synth` knows about: the application's name and its stages. A stage builds its stacks
/// on demand, so synthesizing one stage never evaluates another.
public struct App: Sendable {
    /// Prefix of every deployed stack name: `<name>-<stage>-<stack>`.
    public var name: String
    public var stages: [StageDefinition]
    /// CloudFormation deploys at most 500 resources per template; benchmarks raise it to measure
    /// larger synthetic templates.
    public var maximumResourcesPerStack = TemplateValidator.maximumResources

    public init(name: String, stages: [StageDefinition]) {
        self.name = name
        self.stages = stages
    }

    public func stage(named name: String) -> StageDefinition? { stages.first { $0.name == name } }
}

public struct StageDefinition: Sendable {
    public var name: String
    public var build: @Sendable () -> [Stack]

    public init(_ name: String, build: @escaping @Sendable () -> [Stack]) {
        self.name = name
        self.build = build
    }
}

/// A stack ready to write: its template with cross-stack references wired, in deploy order.
public struct SynthesizedStack: Sendable {
    public var name: String
    /// The CloudFormation stack name to deploy it as.
    public var deployName: String
    public var template: Template
    /// Stacks (by `name`) whose exports this one imports; they deploy first.
    public var dependencies: [String]
    /// What deploys but is worth changing (`RetiredSettings`); never fatal.
    public var warnings: [Diagnostic] = []
}
