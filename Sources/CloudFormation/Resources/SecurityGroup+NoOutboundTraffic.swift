extension SecurityGroup {
    /// An egress rule that matches no traffic. Listing it replaces the allow-all egress rule EC2 adds
    /// to a group declared without one, so the group starts no connections of its own.
    public static let noOutboundTraffic = Typed<Egress> {
        $0.ipProtocol = "icmp"
        $0.fromPort = 252
        $0.toPort = 86
        $0.cidrIp = "255.255.255.255/32"
        $0.description = "Disallow all outbound traffic"
    }
}
