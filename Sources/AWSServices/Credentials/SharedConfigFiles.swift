import Foundation

/// The AWS shared config and credentials files, read as the AWS CLI and SDKs read them:
/// `~/.aws/config` (or `AWS_CONFIG_FILE`) holds `[default]`, `[profile NAME]` and
/// `[sso-session NAME]` sections; `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`) holds
/// `[NAME]` sections, whose settings win over the config file's for the same profile.
public struct SharedConfigFiles: Sendable, Equatable {
    /// The paths as an operator would write them (`~/.aws/config`), for messages.
    public var configPath: String
    public var credentialsPath: String
    /// Section name (`default`, `profile dev`, `sso-session corp`) → settings.
    var config: [String: [String: String]]
    /// Profile name → settings.
    var credentials: [String: [String: String]]

    public init(configPath: String, config: String, credentialsPath: String, credentials: String) {
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.config = Self.sections(of: config)
        self.credentials = Self.sections(of: credentials)
    }

    /// Reads the files the environment points at; a missing file reads as empty, as in the SDKs.
    public static func load(environment: [String: String]) -> SharedConfigFiles {
        let home = environment["HOME"] ?? NSHomeDirectory()
        func path(_ variable: String, _ fallback: String) -> (shown: String, actual: String) {
            let shown = environment.nonEmpty(variable) ?? fallback
            return (shown, shown.hasPrefix("~/") ? home + shown.dropFirst() : shown)
        }
        let config = path("AWS_CONFIG_FILE", "~/.aws/config"), credentials = path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return SharedConfigFiles(configPath: config.shown, config: read(config.actual),
                                 credentialsPath: credentials.shown, credentials: read(credentials.actual))
    }

    /// A profile's settings from both files, and which file gave its keys.
    public struct Profile: Sendable, Equatable {
        public var name: String
        public var settings: [String: String]
        /// The file `aws_access_key_id` came from: the credentials file wins over the config file.
        public var keysFile: String?

        public subscript(key: String) -> String? { settings.nonEmpty(key) }
    }

    /// The profile, or nil when neither file has a section for it.
    public func profile(_ name: String) -> Profile? {
        let fromConfig = config[name == "default" ? "default" : "profile \(name)"] ?? (name == "default" ? config["profile default"] : nil)
        let fromCredentials = credentials[name]
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        let settings = (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsFile in credentialsFile }
        let keysFile = fromCredentials?["aws_access_key_id"] != nil ? credentialsPath : fromConfig?["aws_access_key_id"] != nil ? configPath : nil
        return Profile(name: name, settings: settings, keysFile: keysFile)
    }

    /// An `[sso-session NAME]` section of the config file.
    public func ssoSession(_ name: String) -> [String: String]? { config["sso-session \(name)"] }

    /// INI sections: `[name]` headers (trimmed), `key = value` lines, `#` and `;` comment lines. An
    /// indented line belongs to the nested block of the setting above it (`s3 =` and its
    /// settings), which holds nothing credentials need, so it is left out.
    static func sections(of text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if rawLine.first == " " || rawLine.first == "\t" { continue }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().split(whereSeparator: \.isWhitespace).joined(separator: " ")
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            // `key = value` or `key: value`, split at the first of either; no inline comments (as
            // Python's configparser, which the AWS CLI reads these files with).
            guard let current, let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            sections[current]?[key] = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
