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
                             textSearch: TextSearchSettings(configurations: stage.textSearchConfigurations, foldingFunction: stage.foldingFunction,
                                                            normalizer: stage.normalizer, detector: stage.detector,
                                                            spellingQuery: stage.spellingQuery))
    }

    /// Stages are the contract's: one name, one schema.
    public static func == (left: StageContract, right: StageContract) -> Bool { left.name == right.name }

    /// The stage a runtime serves when `CHAT_STAGE` is not set (a local run).
    public static let `default`: StageContract = {
        guard let stage = try? named(ChatContract.Schema.defaultStage) else { fatalError("the contract lists its default stage") }
        return stage
    }()
}

/// How a stage's text is searched: the text search configurations a query is parsed in (each row
/// is in the one its language picks), the function text passes through first (unsegmented scripts
/// as character pairs), the one that picks a row's configuration, and the function its title trigram
/// indexes fold titles with (queries fold both sides the same way to use them), each if any.
public struct TextSearchSettings: Sendable, Equatable {
    public var configurations: [String]
    public var foldingFunction: String?
    public var normalizer: String?
    public var detector: String?
    /// The function that turns a query into the tsquery of its words' spellings (matched against a
    /// table's spelling column), if the stage has one.
    public var spellingQuery: String?

    public init(configurations: [String], foldingFunction: String?, normalizer: String? = nil, detector: String? = nil, spellingQuery: String? = nil) {
        self.configurations = configurations
        self.foldingFunction = foldingFunction
        self.normalizer = normalizer
        self.detector = detector
        self.spellingQuery = spellingQuery
    }

    /// `parameter` as the rows' text is prepared before parsing.
    func normalized(_ expression: String) -> String { normalizer.map { "public.\($0)(\(expression))" } ?? expression }

    /// `websearch_to_tsquery` of `parameter` in every configuration, OR-ed: a row matches in its own
    /// language. A query the detector puts in `simple` (one in an unsegmented script) is parsed in it
    /// alone: every configuration would give the same character pairs, and nine copies of a long AND
    /// make the planner give up the GIN index for a scan of every row.
    func query(_ parameter: String) -> String {
        let everyConfiguration = "(" + configurations.map { "websearch_to_tsquery('\($0)', \(normalized(parameter)))" }.joined(separator: " || ") + ")"
        guard let detector, configurations.contains("simple") else { return everyConfiguration }
        return "(CASE WHEN public.\(detector)(\(parameter)) = 'pg_catalog.simple'::regconfig "
            + "THEN websearch_to_tsquery('simple', \(normalized(parameter))) ELSE \(everyConfiguration) END)"
    }

    /// The configuration a row whose text is `columns` (of `table`) was parsed in, as its tsvector was generated.
    func configuration(of columns: [String], table: String) -> String {
        guard let detector else { return "'\(configurations.first ?? "simple")'::regconfig" }
        let text = columns.map { "coalesce(\(table).\($0), '')" }.joined(separator: " || ' ' || ")
        return "public.\(detector)(\(text))"
    }

    /// `expression` folded as the title trigram indexes fold it.
    func fold(_ expression: String) -> String { foldingFunction.map { "public.\($0)(\(expression))" } ?? expression }
}
