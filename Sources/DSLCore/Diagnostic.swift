/// A problem synth finds in a declaration (a stack, a stage's settings, a schema, a migration plan
/// or a committed migration): how bad, where it was written, what it concerns and what to change.
/// One type for every part of synth, so each is located, printed and matched the same way.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    /// Stable across releases and wordings (`cluster.engine-version`), so tests and tools match the
    /// kind of problem, never its prose.
    public var id: String
    public var severity: Severity
    /// Where it was declared (`stacks/DatabaseStack.swift:28`), or the file it concerns; nil when unknown.
    public var location: SourceLocation?
    /// What it concerns: `stage "prod": stack "database": AuroraServerlessCluster "ChatDB"`.
    public var subject: String
    public var message: String

    public init(_ id: String, severity: Severity = .error, location: SourceLocation? = nil, subject: String, message: String) {
        self.id = id
        self.severity = severity
        self.location = location
        self.subject = subject
        self.message = message
    }

    /// `location: subject: message`, as one line.
    public var description: String {
        [location?.description, subject].compactMap { $0 }.joined(separator: ": ") + ": " + message
    }

    /// As synth prints it: `error[cluster.engine-version]: stacks/Stages.swift:31: …`.
    public var printed: String { "\(severity.rawValue)[\(id)]: \(description)" }

    /// The same problem about a larger subject: `stage "dev": ` before `stack "app": …`.
    public func within(_ outer: String) -> Diagnostic {
        var copy = self
        copy.subject = outer + ": " + subject
        return copy
    }
}

/// Several problems, all reported at once so one run shows everything to fix.
public struct Diagnostics: Error, CustomStringConvertible, Sendable {
    public var all: [Diagnostic]
    public init(_ all: [Diagnostic]) { self.all = all }
    public var description: String { all.map(\.description).joined(separator: "\n") }
}
