import CloudFormation

/// The chat application: every stage builds the database stack, then the app stack on top of it.
public let chatApp = App(name: "chat", stages: StageSettings.all.map { settings in
    StageDefinition(settings.name) {
        let database = DatabaseStack(settings)
        let app = AppStack(settings, database: database)
        return [database.stack, app.stack]
    }
})
