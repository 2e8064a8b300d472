/// What lets the members of one security group reach a port of another group: an egress rule on
/// the first and an ingress rule on the second. Groups here start closed both ways, so every path a
/// construct needs is one of these, named after both ends.
struct SecurityGroupPath {
    let ingress: SecurityGroupIngress
    let egress: SecurityGroupEgress

    /// - Parameters:
    ///   - source: the logical ID the rules are named after (`<target>IngressFrom<source>`, `<source>EgressTo<egressName>`).
    ///   - who: how the ingress rule's description names the source.
    init(from source: String, group: Typed<String>, who: String, to target: String, egressName: String? = nil, targetGroup: Typed<String>,
         port: Int, service: String, egressDescription: String) {
        ingress = SecurityGroupIngress("\(target)IngressFrom\(source)") {
            $0.groupId = targetGroup
            $0.ipProtocol = "tcp"
            $0.fromPort = .int(port)
            $0.toPort = .int(port)
            $0.sourceSecurityGroupId = group
            $0.description = .string("\(service) from \(who)")
        }
        egress = SecurityGroupEgress("\(source)EgressTo\(egressName ?? target)") {
            $0.groupId = group
            $0.ipProtocol = "tcp"
            $0.fromPort = .int(port)
            $0.toPort = .int(port)
            $0.destinationSecurityGroupId = targetGroup
            $0.description = .string(egressDescription)
        }
    }

    /// PostgreSQL on the cluster.
    static func toCluster(_ cluster: AuroraServerlessCluster, from source: String, group: Typed<String>, who: String) -> SecurityGroupPath {
        SecurityGroupPath(from: source, group: group, who: who, to: cluster.logicalId, targetGroup: cluster.securityGroupId,
                          port: cluster.settings.port, service: "PostgreSQL", egressDescription: "PostgreSQL to \(cluster.logicalId)")
    }

    /// HTTPS to the Secrets Manager endpoint.
    static func toSecretsManager(_ endpoint: SecretsManagerEndpoint, from source: String, group: Typed<String>, who: String) -> SecurityGroupPath {
        SecurityGroupPath(from: source, group: group, who: who, to: endpoint.endpoint.logicalId, egressName: "SecretsManager",
                          targetGroup: endpoint.securityGroup.groupId, port: 443, service: "HTTPS",
                          egressDescription: "HTTPS to the Secrets Manager endpoint")
    }
}
