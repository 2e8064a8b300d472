import Foundation
import Synchronization

/// `_X_AMZN_TRACE_ID`, which the runtime sets to each invocation's `Lambda-Runtime-Trace-Id`.
/// glibc's `setenv` keeps every string it was ever given (a pointer `getenv` returned must stay
/// valid), and every invocation's trace id is new, so setting it with `setenv` grows a warm
/// function by one string an invocation. This keeps one buffer in the environment (`putenv` puts
/// the buffer itself there) and rewrites it in place; it is replaced, and the old one kept, only
/// when a value does not fit.
final class TraceIdVariable: Sendable {
    static let shared = TraceIdVariable()
    static let name = "_X_AMZN_TRACE_ID"

    private struct Buffer: @unchecked Sendable {
        var pointer: UnsafeMutablePointer<CChar>
        var capacity: Int
        var inEnvironment = false
    }
    private let buffer: Mutex<Buffer>

    init(capacity: Int = 512) {
        buffer = Mutex(Buffer(pointer: .allocate(capacity: capacity), capacity: capacity))
    }

    func set(_ value: String?) {
        buffer.withLock { buffer in
            guard let value else {
                if buffer.inEnvironment { unsetenv(Self.name) }
                buffer.inEnvironment = false
                return
            }
            let entry = Array("\(Self.name)=\(value)".utf8CString)
            if entry.count > buffer.capacity {
                // Still in the environment: whoever read it may hold it, so it is never freed.
                buffer = Buffer(pointer: .allocate(capacity: entry.count * 2), capacity: entry.count * 2)
            }
            entry.withUnsafeBufferPointer { bytes in buffer.pointer.update(from: bytes.baseAddress!, count: bytes.count) }
            if !buffer.inEnvironment || getenv(Self.name) != buffer.pointer.advanced(by: Self.name.utf8.count + 1) {
                putenv(buffer.pointer)
                buffer.inEnvironment = true
            }
        }
    }
}
