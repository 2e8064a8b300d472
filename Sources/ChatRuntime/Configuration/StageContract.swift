/// What the runtime knows of the stage it serves, from the generated contract: the schema the
/// migrator brings the database to and how the stores search it. One build serves every stage;
/// `CHAT_STAGE`, which the template sets, picks which.
public struct StageContract: Sendable, Equatable {
    public let name: String
    public let schema: SchemaDefinition
    public let textSearch: TextSearchSettings

    /// The stage named `name` in the contract; an unknown name is an error listing the known ones.
    public static func named(_ name: String) throws(RuntimeConfiguration.Invalid) -> StageContract {
        guard let stage = ChatContract.Schema.stages[name] else {
            throw RuntimeConfiguration.Invalid(variable: ChatContract.Environment.stage,
                                               problem: "must be one of \(ChatContract.Schema.stages.keys.sorted().joined(separator: ", ")) (got \(name))")
        }
        return StageContract(name: name, schema: SchemaDefinition(stage),
                             textSearch: TextSearchSettings(configuration: stage.textSearchConfiguration, foldingFunction: stage.foldingFunction))
    }

    /// Stages are the contract's: one name, one schema.
    public static func == (left: StageContract, right: StageContract) -> Bool { left.name == right.name }

    /// The stage a runtime serves when `CHAT_STAGE` is not set (a local run).
    public static let `default`: StageContract = {
        guard let stage = try? named(ChatContract.Schema.defaultStage) else { fatalError("the contract lists its default stage") }
        return stage
    }()
}

/// How a stage's text is searched: the text search configuration queries parse with, and the
/// function its title trigram indexes fold titles with (queries fold both sides the same way to
/// use them), if any.
public struct TextSearchSettings: Sendable, Equatable {
    public var configuration: String
    public var foldingFunction: String?

    public init(configuration: String, foldingFunction: String?) {
        self.configuration = configuration
        self.foldingFunction = foldingFunction
    }

    /// `websearch_to_tsquery` in this configuration, of `parameter`.
    func query(_ parameter: String) -> String { "websearch_to_tsquery('\(configuration)', \(parameter))" }

    /// `expression` folded as the title trigram indexes fold it.
    func fold(_ expression: String) -> String { foldingFunction.map { "public.\($0)(\(expression))" } ?? expression }
}
