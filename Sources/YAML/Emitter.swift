import CYAML

/// Writes a `Node` as YAML through libyaml's event API: block style, 2-space indent, no line
/// folding, raw UTF-8, tags in short form (`!Ref X`). Strings are quoted whenever a YAML 1.1 or 1.2
/// reader would take them for something else (see `PlainScalarResolver`); multi-line strings are
/// literal blocks. libyaml itself switches to double quotes when a style cannot hold the text.
public enum Emitter {
    /// The document as libyaml writes it: by `BlockWriter`, which writes the same bytes as libyaml
    /// for what it models, or else by libyaml.
    public static func emit(_ root: Node) throws -> String {
        if let text = BlockWriter.write(root) { return text }
        return try emitThroughLibyaml(root)
    }

    /// The same for a document that writes itself node by node: written by `BlockWriter` without a
    /// tree, or else built into one for libyaml. Inlinable, so that the document's description is
    /// compiled for `BlockWriter` where the document is declared, and not called through witness
    /// tables node by node.
    @inlinable
    public static func emit(_ document: some NodeSource) throws -> String {
        var writer = BlockWriter()
        if (try? document.write(to: &writer)) != nil { return writer.finished() }
        return try emitThroughLibyaml(NodeBuilder.node(document))
    }

    /// The document as libyaml's emitter writes it, event by event.
    @usableFromInline
    static func emitThroughLibyaml(_ root: Node) throws -> String {
        let sink = OutputSink()
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw YAMLError("libyaml: cannot initialize the emitter") }
        defer { yaml_emitter_delete(&emitter) }
        yaml_emitter_set_indent(&emitter, 2)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_break(&emitter, YAML_LN_BREAK)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(&emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            let sink = Unmanaged<OutputSink>.fromOpaque(data).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, context)

        let writer = EventWriter(emitter: &emitter)
        try writer.write { event in yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING) }
        try writer.write { event in yaml_document_start_event_initialize(&event, nil, nil, nil, 1) }
        try writer.node(root)
        try writer.write { event in yaml_document_end_event_initialize(&event, 1) }
        try writer.write { event in yaml_stream_end_event_initialize(&event) }
        guard yaml_emitter_flush(&emitter) == 1 else { throw YAMLError("libyaml: cannot flush the output") }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// The style asked of libyaml for a string; libyaml may still pick double quotes.
    static func style(forString text: String) -> yaml_scalar_style_t {
        if text.utf8.contains(UInt8(ascii: "\n")) { return YAML_LITERAL_SCALAR_STYLE }
        return PlainScalarResolver.needsQuotes(text) ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE
    }
}

private final class OutputSink {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(16 * 1024) }
}

private struct EventWriter {
    let emitter: UnsafeMutablePointer<yaml_emitter_t>

    init(emitter: UnsafeMutablePointer<yaml_emitter_t>) { self.emitter = emitter }

    func write(_ initialize: (inout yaml_event_t) -> Int32) throws {
        var event = yaml_event_t()
        guard initialize(&event) == 1 else { throw YAMLError("libyaml: cannot create an event") }
        // yaml_emitter_emit takes ownership of the event, also on failure.
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown problem"
            throw YAMLError("libyaml: \(problem)")
        }
    }

    func node(_ node: Node) throws {
        switch node {
        case .scalar(let scalar):
            try self.scalar(scalar.text, kind: scalar.kind, tag: scalar.tag)
        case .sequence(let items, let tag):
            try withOptionalCString(tag) { tagPointer in
                try write { event in
                    yaml_sequence_start_event_initialize(&event, nil, tagPointer, tagPointer == nil ? 1 : 0, YAML_BLOCK_SEQUENCE_STYLE)
                }
            }
            for item in items { try self.node(item) }
            try write { event in yaml_sequence_end_event_initialize(&event) }
        case .mapping(let entries, let tag):
            try withOptionalCString(tag) { tagPointer in
                try write { event in
                    yaml_mapping_start_event_initialize(&event, nil, tagPointer, tagPointer == nil ? 1 : 0, YAML_BLOCK_MAPPING_STYLE)
                }
            }
            for entry in entries {
                try scalar(entry.key, kind: .string, tag: nil)
                try self.node(entry.value)
            }
            try write { event in yaml_mapping_end_event_initialize(&event) }
        }
    }

    func scalar(_ text: String, kind: ScalarKind, tag: String?) throws {
        let style = kind == .string ? Emitter.style(forString: text) : YAML_PLAIN_SCALAR_STYLE
        let implicit: Int32 = tag == nil ? 1 : 0
        var text = text
        try withOptionalCString(tag) { tagPointer in
            try text.withUTF8 { bytes in
                try write { event in
                    yaml_scalar_event_initialize(
                        &event, nil, tagPointer,
                        bytes.baseAddress ?? UnsafePointer(emptyByte), Int32(bytes.count),
                        implicit, implicit, style)
                }
            }
        }
    }
}

nonisolated(unsafe) private let emptyByte = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

private func withOptionalCString<R>(
    _ text: String?, _ body: (UnsafeMutablePointer<UInt8>?) throws -> R
) throws -> R {
    guard var text else { return try body(nil) }
    text.append("\0")
    return try text.withUTF8 { bytes in
        try body(UnsafeMutablePointer(mutating: bytes.baseAddress))
    }
}
