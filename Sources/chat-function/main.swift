import ChatFunction
import Foundation
import LambdaRuntime
import Logging

// The chat function's `bootstrap`: the Lambda Runtime API loop around the chat routes (or, as the
// migrator, the schema resource). Start-up failures are reported to Lambda, naming the cause.
// `chat-function serve --port N` serves the same routes over plain HTTP for local development.
let environment = ProcessInfo.processInfo.environment
let arguments = Array(CommandLine.arguments.dropFirst())
// Every line the function writes is one JSON object, swift-log's (postgres-nio, the migrator) included.
let log = RuntimeLog(environment: environment)
LoggingSystem.bootstrap { label in JSONLogHandler(label: label, log: log) }
do {
    if arguments.first == "serve" {
        guard arguments.count == 3, arguments[1] == "--port", let port = Int(arguments[2]), (1...65_535).contains(port) else {
            FileHandle.standardError.write(Data("usage: chat-function serve --port N\n".utf8))
            exit(2)
        }
        try await LocalServer.run(port: port, environment: environment)
    } else {
        let outcome = try await LambdaRuntime.run(environment: environment, log: log) { services in
            try await ChatFunctionHandler.start(environment: environment, services: services, log: log)
        }
        if case .initializationFailed = outcome { exit(1) }
    }
} catch {
    log.write(.fatal, "chat-function: \(error)")
    exit(1)
}
