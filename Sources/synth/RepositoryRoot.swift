#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// synth reads `stacks/`, `out/` and the generated sources by their paths in the repository, so it
/// runs from the repository's root wherever it is started: it looks for the root in the directory it
/// was started in and above, and refuses outside the repository rather than compare with nothing.
enum RepositoryRoot {
    /// What marks the root: the package manifest beside the stacks.
    static let markers = ["Package.swift", "stacks/ChatApp.swift"]

    /// The directory synth was started in, for the paths its arguments give.
    nonisolated(unsafe) static var startDirectory = FileManager.default.currentDirectoryPath

    /// The root at or above `directory`, if any.
    static func find(from directory: String) -> String? {
        var candidate = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            if markers.allSatisfy({ FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path) }) { return candidate.path }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { return nil }
            candidate = parent
        }
    }

    /// Moves to the root, or says where to run synth and exits 2. `--help` works anywhere.
    static func enter(arguments: [String]) {
        startDirectory = FileManager.default.currentDirectoryPath
        if arguments.contains(where: { ["-h", "--help", "help"].contains($0) }) { return }
        // Two template files are compared wherever they are; nothing of the repository is read.
        var operands: [String] = []
        var skipValue = false
        for argument in arguments.dropFirst() {
            if skipValue { skipValue = false; continue }
            if ["--format", "--fail-on", "--output-dir"].contains(argument) { skipValue = true; continue }
            if !argument.hasPrefix("-") { operands.append(argument) }
        }
        let root = find(from: startDirectory)
        if root == nil, arguments.first == "diff", operands.count == 2, operands.allSatisfy({ $0.contains("/") || $0.contains(".") }),
           !arguments.contains("--base") {
            return
        }
        guard let root else {
            let message = "error: synth runs inside the repository (no Package.swift beside stacks/ in \(startDirectory) or above); cd into your checkout\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(2)
        }
        _ = FileManager.default.changeCurrentDirectoryPath(root)
    }

    /// A path an argument gave, relative to where synth was started, as it reads from the root synth
    /// now runs in (`out/dev/app.yaml` for `dev/app.yaml` given in out/), so reports name it the same way.
    static func fromStart(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let here = FileManager.default.currentDirectoryPath
        if startDirectory == here { return path }
        let absolute = startDirectory + "/" + path
        return absolute.hasPrefix(here + "/") ? String(absolute.dropFirst(here.count + 1)) : absolute
    }
}
