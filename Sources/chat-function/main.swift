import ChatFunction
import ChatRuntime
import Foundation
import LambdaRuntime
import Logging

// The chat function's `bootstrap`: the Lambda Runtime API loop around the chat routes (or, as the
// migrator, the schema resource). Start-up failures are reported to Lambda, naming the cause.
// `chat-function serve --port N` serves the same routes over plain HTTP for local development.
let environment = ProcessInfo.processInfo.environment
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: chat-function                 the Lambda function's bootstrap: needs AWS_LAMBDA_RUNTIME_API, which Lambda
                                         (or its emulator) sets
           chat-function serve --port N  the same routes over plain HTTP on 127.0.0.1, for local development
           chat-function --version       the schema version this build migrates each stage to
    The role comes from \(ChatContract.Environment.functionRole) (\(ChatFunctionHandler.Role.allNames)), the database from
    \(ChatContract.Environment.backendType) and the DB_* variables: README.md, "The chat function".

    """
switch arguments.first {
case "--help", "-h", "help":
    print(usage, terminator: "")
    exit(0)
case "--version":
    let stages = ChatContract.Schema.stages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.version)" }
    print("chat-function, schema versions: " + stages.joined(separator: ", "))
    exit(0)
case nil, "serve":
    break
case let other?:
    FileHandle.standardError.write(Data("chat-function: unknown argument \"\(other)\"\n\(usage)".utf8))
    exit(2)
}
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
