import ChatFunction
import Foundation
import LambdaRuntime

// The chat function's `bootstrap`: the Lambda Runtime API loop around the chat routes (or, as the
// migrator, the schema resource). Start-up failures are reported to Lambda, naming the cause.
let environment = ProcessInfo.processInfo.environment
do {
    let outcome = try await LambdaRuntime.run(environment: environment) {
        try await ChatFunctionHandler.start(environment: environment)
    }
    if case .initializationFailed = outcome { exit(1) }
} catch {
    FileHandle.standardError.write(Data("chat-function: \(error)\n".utf8))
    exit(1)
}
