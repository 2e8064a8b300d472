import DSLCore

/// A VPC with private subnets only, one per availability zone, each with its own route table. No
/// internet or NAT gateway: what runs here reaches AWS services through interface endpoints, and S3
/// (when asked for) through a gateway endpoint on the private route tables, which costs nothing.
public struct PrivateNetwork: StackContent {
    public let vpc: VPC
    public let subnets: [Subnet]
    public let routeTables: [RouteTable]
    public let associations: [SubnetRouteTableAssociation]
    /// Present when the network was built with some `s3Access`.
    public let s3Endpoint: VPCEndpoint?
    public let s3Access: S3Access
    public let location: SourceLocation
    private let zoneCount: Int

    /// What the S3 gateway endpoint lets through, and nothing else.
    public struct S3Access: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Custom resource functions answer CloudFormation by a PUT to a pre-signed URL in its response buckets.
        public static let customResourceResponses = S3Access(rawValue: 1 << 0)
        /// Functions read objects in this account's buckets (which buckets, their roles say).
        public static let objectReadsInThisAccount = S3Access(rawValue: 1 << 1)
    }

    public init(_ logicalId: String, cidr: String, zones: Int, s3Access: S3Access = [], filePath: String = #filePath, line: Int = #line) {
        location = SourceLocation(filePath: filePath, line: line)
        self.s3Access = s3Access
        zoneCount = zones
        let vpc = VPC(logicalId) {
            $0.cidrBlock = .string(cidr)
            $0.enableDnsSupport = true
            $0.enableDnsHostnames = true
            $0.tags = ["Name": .sub("${AWS::StackName}-\(logicalId)")]
        }
        self.vpc = vpc
        let count = max(zones, 0)
        let subnets = (0..<count).map { index in
            Subnet("\(logicalId)PrivateSubnet\(index + 1)") {
                $0.vpcId = vpc.ref
                $0.cidrBlock = .select(index, .cidr(vpc.cidrBlockAttribute, count: count, cidrBits: 8))
                $0.availabilityZone = .select(index, .availabilityZones)
                $0.mapPublicIpOnLaunch = false
                $0.tags = ["Name": .sub("${AWS::StackName}-private-\(index + 1)")]
            }
        }
        self.subnets = subnets
        let routeTables = (0..<count).map { index in
            RouteTable("\(logicalId)PrivateRouteTable\(index + 1)") {
                $0.vpcId = vpc.ref
                $0.tags = ["Name": .sub("${AWS::StackName}-private-\(index + 1)")]
            }
        }
        self.routeTables = routeTables
        associations = zip(subnets, routeTables).map { subnet, routeTable in
            SubnetRouteTableAssociation("\(subnet.logicalId)RouteTable") {
                $0.subnetId = subnet.ref
                $0.routeTableId = routeTable.ref
            }
        }
        let routeTableIds = Typed<[String]>.list(routeTables.map(\.ref))
        s3Endpoint = s3Access.isEmpty ? nil : VPCEndpoint("\(logicalId)S3GatewayEndpoint") {
            $0.vpcId = vpc.ref
            $0.serviceName = .sub("com.amazonaws.${AWS::Region}.s3")
            $0.vpcEndpointType = .gateway
            $0.routeTableIds = routeTableIds
            $0.policyDocument = PolicyDocument {
                if s3Access.contains(.customResourceResponses) {
                    Statement(sid: "CustomResourceResponses", principal: "*", actions: ["s3:PutObject"],
                              resources: [.sub("arn:${AWS::Partition}:s3:::cloudformation-custom-resource-response-*/*")])
                }
                if s3Access.contains(.objectReadsInThisAccount) {
                    Statement(sid: "ObjectReadsInThisAccount", principal: "*", actions: ["s3:GetObject"], resources: [.sub("arn:${AWS::Partition}:s3:::*/*")],
                              condition: ["StringEquals": ["aws:ResourceAccount": .sub("${AWS::AccountId}")]])
                }
            }
        }
    }

    public var vpcId: Typed<String> { vpc.ref }
    public var subnetIds: Typed<[String]> { .list(subnets.map(\.ref)) }

    public var elements: [StackElement] {
        vpc.elements + subnets.flatMap(\.elements) + routeTables.flatMap(\.elements) + associations.flatMap(\.elements)
            + (s3Endpoint?.elements ?? [])
    }

    public var diagnostics: [Diagnostic] {
        var messages: [String] = []
        if zoneCount < 2 || zoneCount > 6 {
            messages.append("zones must be 2–6 (got \(zoneCount)); Aurora's DB subnet group needs subnets in at least two availability zones")
        }
        if case .string(let cidr) = vpc.propertyValues.fields.first(where: { $0.key == "CidrBlock" })?.value {
            if let prefix = Self.prefixLength(ofIPv4Network: cidr) {
                // Each subnet takes 8 more bits of the VPC's range, and AWS's smallest subnet is a /28.
                if !(16...20).contains(prefix) {
                    messages.append("cidr \(cidr) is a /\(prefix); a VPC is /16 to /28, and each zone's subnet here is 8 bits smaller, so use /16 to /20")
                }
            } else {
                messages.append("cidr \"\(cidr)\" is not an IPv4 network such as 10.40.0.0/16")
            }
        }
        return messages.map { Diagnostic("network.settings", location: location, subject: "PrivateNetwork \"\(vpc.logicalId)\"", message: $0) }
    }

    /// `10.40.0.0/16` → 16; nil unless four octets 0–255 and a prefix 0–32 (the schemas' `ipv4-network`).
    public static func prefixLength(ofIPv4Network cidr: String) -> Int? {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix), parts[1].allSatisfy(\.isASCII) else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && (Int($0).map { (0...255).contains($0) } ?? false) })
        else { return nil }
        return prefix
    }
}
