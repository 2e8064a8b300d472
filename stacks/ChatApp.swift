import CloudFormation
import CostEstimate
import SynthCore

/// The chat application: every stage builds the database stack, then the app stack on top of it.
public let chatApp = App(name: "chat", stages: StageSettings.all.map { settings in
    StageDefinition(settings.name) {
        let database = DatabaseStack(settings)
        let app = AppStack(settings, database: database)
        return [database.stack, app.stack]
    }
})

/// What `synth` writes: the stacks above, each stage's database schema, the chat API's OpenAPI
/// document, and the runtime's contract.
public let chatProject = SynthProject(
    app: chatApp,
    schemas: Dictionary(uniqueKeysWithValues: StageSettings.all.map { settings in
        (settings.name, { @Sendable in ChatSchema.schema(for: settings) })
    }),
    generatedSources: RuntimeContract.sources(migrations:),
    stageDocuments: [("openapi.json", { ChatRoutes.openAPI })]
)

/// The usage each stage is priced at (`synth cost`, and the cost change in `synth diff`).
public let chatUsageProfiles: [String: UsageProfile] = Dictionary(uniqueKeysWithValues: StageSettings.all.map { ($0.name, $0.usage) })
