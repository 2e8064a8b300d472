/// A mistake found at synth time, saying where it is and what to change.
public struct SynthError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where it was declared (`Stacks/Database.swift:14`), when known.
    public var location: String?
    /// What it concerns: `stack "database": AuroraServerlessCluster "ChatDB"`.
    public var subject: String
    public var message: String

    public init(location: String? = nil, subject: String, message: String) {
        self.location = location
        self.subject = subject
        self.message = message
    }

    public var description: String {
        [location, subject].compactMap { $0 }.joined(separator: ": ") + ": " + message
    }
}

/// Several synth-time mistakes, all reported at once so one run shows everything to fix.
public struct SynthErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [SynthError]
    public init(_ errors: [SynthError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
