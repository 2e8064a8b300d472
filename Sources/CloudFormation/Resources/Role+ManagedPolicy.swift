extension Role {
    /// An AWS managed policy's ARN in the current partition.
    public static func managedPolicy(_ name: String) -> Typed<String> {
        .sub("arn:${AWS::Partition}:iam::aws:policy/\(name)")
    }
}
