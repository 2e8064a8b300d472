import ChatFunction
import Foundation
import LambdaRuntime

// The chat function's `bootstrap`: the Lambda Runtime API loop around the chat routes (or, as the
// migrator, the schema resource). Start-up failures are reported to Lambda, naming the cause.
// `chat-function serve --port N` serves the same routes over plain HTTP for local development.
let environment = ProcessInfo.processInfo.environment
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    if arguments.first == "serve" {
        guard arguments.count == 3, arguments[1] == "--port", let port = Int(arguments[2]), (1...65_535).contains(port) else {
            FileHandle.standardError.write(Data("usage: chat-function serve --port N\n".utf8))
            exit(2)
        }
        try await LocalServer.run(port: port, environment: environment)
    } else {
        let outcome = try await LambdaRuntime.run(environment: environment) { services in
            try await ChatFunctionHandler.start(environment: environment, services: services)
        }
        if case .initializationFailed = outcome { exit(1) }
    }
} catch {
    FileHandle.standardError.write(Data("chat-function: \(error)\n".utf8))
    exit(1)
}
