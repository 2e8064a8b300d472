/// The deployment packages a template's functions load from S3 through parameters
/// (`Code: {S3Bucket: !Ref P, S3Key: !Ref Q}`), with the architecture they must be built for.
/// The manifest lists them, so the packager builds for the architecture the template declares and
/// the deploy script knows which parameters name the upload.
public struct FunctionArtifact: Sendable, Equatable {
    public var bucketParameter: String
    public var keyParameter: String
    public var architecture: String
    /// Logical IDs of the functions that run it.
    public var functions: [String]

    /// The template's artifacts, one per bucket and key parameter pair, in the order their first
    /// function is declared; and an error for every pair whose functions disagree on architecture
    /// (one zip holds one binary).
    public static func all(in template: Template, stack: String) -> (artifacts: [FunctionArtifact], errors: [Diagnostic]) {
        var artifacts: [FunctionArtifact] = []
        var errors: [Diagnostic] = []
        for resource in template.resources where resource.resourceType == "AWS::Lambda::Function" {
            let properties = Dictionary(resource.properties.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard case .object(let code)? = properties["Code"],
                  case .intrinsic(.ref(let bucket))? = code.first(where: { $0.key == "S3Bucket" })?.value,
                  case .intrinsic(.ref(let key))? = code.first(where: { $0.key == "S3Key" })?.value
            else { continue }
            // Lambda's default when Architectures is not given.
            var architecture = "x86_64"
            if case .list(let items)? = properties["Architectures"], case .string(let first)? = items.first { architecture = first }
            if let index = artifacts.firstIndex(where: { $0.bucketParameter == bucket && $0.keyParameter == key }) {
                if artifacts[index].architecture != architecture {
                    errors.append(Diagnostic("function.artifact-architecture", location: resource.attributes.location, subject: "stack \"\(stack)\": resource \"\(resource.logicalId)\"",
                        message: "runs the artifact \(bucket)/\(key) on \(architecture), but \(artifacts[index].functions.joined(separator: ", ")) "
                            + "runs it on \(artifacts[index].architecture); one zip holds one binary, so give them the same architecture or separate artifacts"))
                }
                artifacts[index].functions.append(resource.logicalId)
            } else {
                artifacts.append(FunctionArtifact(bucketParameter: bucket, keyParameter: key, architecture: architecture, functions: [resource.logicalId]))
            }
        }
        return (artifacts, errors)
    }
}
