#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CommandArguments

/// synth reads `stacks/`, `out/` and the generated sources by their paths in the repository, so it
/// runs from the repository's root wherever it is started: it looks for the root in the directory it
/// was started in and above, and refuses outside the repository rather than compare with nothing.
enum RepositoryRoot {
    /// What marks the root: the package manifest beside the stacks.
    static let markers = ["Package.swift", "stacks/ChatApp.swift"]

    /// The directory synth was started in, for the paths its arguments give.
    nonisolated(unsafe) static var startDirectory = currentDirectory()

    /// The root at or above `directory` (an absolute path), if any.
    static func find(from directory: String) -> String? {
        var candidate = directory
        while true {
            if markers.allSatisfy({ access((candidate == "/" ? "" : candidate) + "/" + $0, F_OK) == 0 }) { return candidate }
            guard let slash = candidate.lastIndex(of: "/"), candidate != "/" else { return nil }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }

    /// Moves to the root, or says where to run synth and exits 2. Two template files are compared
    /// wherever they are: `synth diff a.yaml b.yaml` reads nothing of the repository.
    static func enter(for command: String, _ arguments: ParsedArguments) {
        startDirectory = currentDirectory()
        guard let root = find(from: startDirectory) else {
            if command == Diff.spec.name, arguments.operands.count == 2, arguments.operands.allSatisfy(namesAFile),
               arguments.value("base") == nil {
                return
            }
            printError("error: synth runs inside the repository (no Package.swift beside stacks/ in \(startDirectory) or above); cd into your checkout")
            exit(2)
        }
        _ = chdir(root)
    }

    /// A path an argument gave, relative to where synth was started, as it reads from the root synth
    /// now runs in (`out/dev/app.yaml` for `dev/app.yaml` given in out/), so reports name it the same way.
    static func fromStart(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let here = currentDirectory()
        if startDirectory == here { return path }
        let absolute = startDirectory + "/" + path
        return absolute.hasPrefix(here + "/") ? String(absolute.dropFirst(here.count + 1)) : absolute
    }

    /// The working directory, as the kernel has it (symbolic links resolved).
    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
