/// The managed policy the policy tests vary: `P`, holding `statements` (YAML flow items, one a line),
/// as it sits under `Resources:`.
enum PolicyTemplates {
    static func managedPolicy(_ statements: [String]) -> String {
        "  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n"
            + statements.map { "          \($0)\n" }.joined()
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }
}
