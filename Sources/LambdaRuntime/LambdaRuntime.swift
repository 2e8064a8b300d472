import Deadline
import DynamicServices
import Foundation
import JSONText

/// Answers one event at a time. What it keeps (a connection pool, a secret, an embedder) lives as
/// long as the process, across invocations.
public protocol LambdaHandler: Sendable {
    /// The response body. Throw a `FunctionError` to report a type and message of your choosing;
    /// any other error is reported by type name only, its text going to the log.
    func handle(_ invocation: Invocation) async throws -> [UInt8]
}

/// The Runtime API loop of a `provided.al2023` function: start up once, then fetch an event, answer
/// it within its deadline, and fetch the next, until the process is frozen or stopped.
public enum LambdaRuntime {
    /// Time kept back from each deadline to post the answer before Lambda gives up.
    public static let answerMargin: Duration = .milliseconds(50)
    /// Time kept back from the handler's waits (`WorkDeadline`) to turn a failure into an answer:
    /// retries and connection waits stop this long before the invocation is cut off.
    public static let windDown: Duration = .milliseconds(500)

    public enum Outcome: Sendable, Equatable {
        /// The loop was cancelled (tests) after this many invocations.
        case stopped(invocations: Int)
        /// Start-up failed and was reported to Lambda.
        case initializationFailed(FunctionError)
    }

    /// Runs the loop against `AWS_LAMBDA_RUNTIME_API`. A start-up failure (a missing or invalid
    /// variable, a schema the database does not have) is posted to `init/error`, naming the cause.
    ///
    /// `initialize` adds what must run beside the handler (connection pools) to the `ServiceSet` it
    /// is given; they run from then on, start-up included, and stop when the loop does.
    public static func run<Handler: LambdaHandler>(
        environment: [String: String] = ProcessInfo.processInfo.environment, log: RuntimeLog = RuntimeLog(),
        initialize: @Sendable (ServiceSet) async throws -> Handler
    ) async throws -> Outcome {
        guard let address = environment["AWS_LAMBDA_RUNTIME_API"], !address.isEmpty else {
            throw FunctionError(type: "Runtime.NoRuntimeAPI", message: "AWS_LAMBDA_RUNTIME_API is not set: this runs inside Lambda or its emulator")
        }
        let client = RuntimeAPIClient(address: address)
        // Clients pick the calling thread's loop when it is one of theirs (`EventLoopGroup.any()`), so
        // the Runtime API connection and those created in `initialize` land on this loop too.
        let executor = EventLoopTaskExecutor(client.http.eventLoopGroup.next())
        let services = ServiceSet()
        return try await withTaskExecutorPreference(executor) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                defer { group.cancelAll() }
                return try await loop(client: client, log: log) { try await initialize(services) }
            }
        }
    }

    /// `run` for a handler with nothing to run beside it.
    public static func run<Handler: LambdaHandler>(
        environment: [String: String] = ProcessInfo.processInfo.environment, log: RuntimeLog = RuntimeLog(),
        initialize: @Sendable () async throws -> Handler
    ) async throws -> Outcome {
        try await run(environment: environment, log: log) { (_: ServiceSet) in try await initialize() }
    }

    static func loop<Handler: LambdaHandler>(
        client: RuntimeAPIClient, log: RuntimeLog, initialize: @Sendable () async throws -> Handler
    ) async throws -> Outcome {
        let handler: Handler
        do {
            handler = try await initialize()
        } catch {
            let reported = error as? FunctionError ?? FunctionError(type: "Runtime.InitError", message: "\(error)")
            log.write(.error, "start-up failed: \(reported.message)", fields: [("errorType", reported.type)])
            try await client.failInitialization(reported)
            return .initializationFailed(reported)
        }
        var count = 0
        while !Task.isCancelled {
            let invocation: Invocation
            do {
                invocation = try await client.next()
            } catch {
                if Task.isCancelled { break }
                // Without a request id there is nobody to answer; say so and take the next one.
                guard let malformed = error as? Invocation.Malformed else { throw error }
                log.write(.error, malformed.description)
                continue
            }
            if Task.isCancelled { break }
            count += 1
            do {
                try await answer(invocation, with: handler, client: client, log: log)
            } catch {
                // Stopped while posting the answer: the loop ends; anything else is the Runtime API failing.
                if Task.isCancelled { break }
                throw error
            }
        }
        return .stopped(invocations: count)
    }

    static func answer(_ invocation: Invocation, with handler: some LambdaHandler, client: RuntimeAPIClient, log: RuntimeLog) async throws {
        TraceIdVariable.shared.set(invocation.traceId)
        let remaining = Duration.milliseconds(invocation.deadlineMilliseconds - nowMilliseconds()) - answerMargin
        let fields = [("requestId", invocation.requestId)]
        do {
            guard remaining > .zero else { throw DeadlineExceeded(limit: .zero) }
            let waitsEnd = ContinuousClock.now + remaining - min(windDown, remaining / 4)
            // The handler is cancelled at the deadline and awaited, so nothing of it runs on into the next event.
            let body = try await withDeadline(remaining) {
                try await WorkDeadline.$current.withValue(waitsEnd) {
                    try await RuntimeLog.$requestId.withValue(invocation.requestId) { try await handler.handle(invocation) }
                }
            }
            try await client.respond(to: invocation.requestId, with: body)
        } catch is DeadlineExceeded {
            log.write(.error, "the invocation did not finish before its deadline", fields: fields)
            try await client.fail(invocation.requestId, FunctionError(type: "Function.Timeout", message: "the invocation did not finish before its deadline"))
        } catch let error as FunctionError {
            log.write(.error, error.message, fields: fields + [("errorType", error.type)])
            try await client.fail(invocation.requestId, error)
        } catch let error as RuntimeAPIClient.Failure {
            throw error
        } catch {
            let type = String(describing: Swift.type(of: error))
            log.write(.error, "\(error)", fields: fields + [("errorType", type)])
            try await client.fail(invocation.requestId, FunctionError(type: type, message: "the function failed; its log has the details"))
        }
    }

    static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
