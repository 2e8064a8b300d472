extension Dictionary where Key == String, Value == String {
    /// The setting's value, or nil when it is unset or empty: the AWS SDKs take an empty variable
    /// (or an empty `key =` in the shared files) for an unset one, and so does the runtime.
    public func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }
}

extension String {
    /// The text of the first `<name>…</name>` in an AWS XML answer (STS's credentials, S3's errors).
    func xmlElement(_ name: String) -> String? {
        guard let open = range(of: "<\(name)>"), let close = range(of: "</\(name)>", range: open.upperBound..<endIndex) else { return nil }
        return String(self[open.upperBound..<close.lowerBound])
    }
}
