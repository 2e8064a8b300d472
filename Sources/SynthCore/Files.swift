#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file operations synth's output needs, over the C library. Comparing every committed file
/// with what synth produces is synth's usual work (`synth check`, and `synth --all` on an unchanged
/// tree): through Foundation, each file was read into `Data`, each produced text copied into another
/// `Data`, and types were looked up at run time, 2 M of `synth --all`'s 115 M instructions.
enum Files {
    /// A file's bytes; nil when it is missing, unreadable or not a regular file.
    static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        /// Up to `capacity` bytes read into a buffer not zero-filled first, fewer only at the end of
        /// the file; nil on an error.
        func chunk(_ capacity: Int) -> [UInt8]? {
            var failed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                while count < capacity {
                    let got = read(descriptor, buffer.baseAddress! + count, capacity - count)
                    if got < 0 && errno == EINTR { continue }
                    if got <= 0 {
                        failed = got < 0
                        return
                    }
                    count += got
                }
            }
            return failed ? nil : bytes
        }
        // The size the file has and a byte more; while a buffer fills, the file has grown since.
        var capacity = max(Int(status.st_size), 0) + 1
        guard var bytes = chunk(capacity) else { return nil }
        var last = bytes.count
        while last == capacity {
            capacity = 64 * 1024
            guard let more = chunk(capacity) else { return nil }
            bytes += more
            last = more.count
        }
        return bytes
    }

    /// Whether `bytes` are exactly `text`'s UTF-8.
    static func holds(_ bytes: [UInt8], _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == bytes.count && bytes.withUnsafeBytes { stored in utf8.isEmpty || memcmp(stored.baseAddress!, utf8.baseAddress!, utf8.count) == 0 }
        }
    }

    /// Writes `text` to the file unless it holds it already, creating the file and the folders above
    /// it as needed; says whether it wrote.
    static func update(_ path: String, to text: String) throws(FileError) -> Bool {
        if let stored = contents(of: path), holds(stored, text) { return false }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try createDirectories(String(path[..<slash])) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw FileError(path: path, action: "write", code: errno) }
        defer { close(descriptor) }
        var text = text
        let failure: Int32? = text.withUTF8 { utf8 in
            var offset = 0
            while offset < utf8.count {
                let written = write(descriptor, utf8.baseAddress! + offset, utf8.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw FileError(path: path, action: "write", code: failure) }
        return true
    }

    /// Creates the folder and the ones above it that are missing (`mkdir -p`).
    static func createDirectories(_ path: String) throws(FileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST { throw FileError(path: prefix, action: "create the folder", code: errno) }
        }
    }

    /// The names in a folder, without `.` and `..`; nil when it cannot be read.
    static func names(in directory: String) -> [String]? {
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func remove(_ path: String) throws(FileError) {
        if unlink(path) != 0 { throw FileError(path: path, action: "remove", code: errno) }
    }
}

/// A file synth could not write or remove, with the system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var action: String
    public var code: Int32

    public var description: String { "cannot \(action) \(path): \(String(cString: strerror(code)))" }
}
