public struct VPC: TypedResource {
    public let resourceType = "AWS::EC2::VPC"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var cidrBlock: Value?
    public var enableDnsSupport: Value?
    public var enableDnsHostnames: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("CidrBlock", cidrBlock), ("EnableDnsSupport", enableDnsSupport),
               ("EnableDnsHostnames", enableDnsHostnames), ("Tags", tags))
    }
}

public struct Subnet: TypedResource {
    public let resourceType = "AWS::EC2::Subnet"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var vpcId: Value?
    public var cidrBlock: Value?
    public var availabilityZone: Value?
    public var mapPublicIpOnLaunch: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("VpcId", vpcId), ("CidrBlock", cidrBlock), ("AvailabilityZone", availabilityZone),
               ("MapPublicIpOnLaunch", mapPublicIpOnLaunch), ("Tags", tags))
    }
}

public struct RouteTable: TypedResource {
    public let resourceType = "AWS::EC2::RouteTable"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var vpcId: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] { fields(("VpcId", vpcId), ("Tags", tags)) }
}

public struct SubnetRouteTableAssociation: TypedResource {
    public let resourceType = "AWS::EC2::SubnetRouteTableAssociation"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var subnetId: Value?
    public var routeTableId: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] { fields(("SubnetId", subnetId), ("RouteTableId", routeTableId)) }
}

public struct SecurityGroup: TypedResource {
    public let resourceType = "AWS::EC2::SecurityGroup"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var groupDescription: Value?
    public var vpcId: Value?
    public var securityGroupIngress: Value?
    public var securityGroupEgress: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("GroupDescription", groupDescription), ("VpcId", vpcId),
               ("SecurityGroupIngress", securityGroupIngress), ("SecurityGroupEgress", securityGroupEgress), ("Tags", tags))
    }

    public var groupId: Value { getAtt("GroupId") }

    /// An egress rule that matches no traffic. Listing it replaces the allow-all egress rule EC2 adds
    /// to a group declared without one, so the group starts no connections of its own.
    public static let noOutboundTraffic: Value = [
        "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86, "CidrIp": "255.255.255.255/32",
        "Description": "Disallow all outbound traffic",
    ]
}

public struct SecurityGroupIngress: TypedResource {
    public let resourceType = "AWS::EC2::SecurityGroupIngress"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var groupId: Value?
    public var ipProtocol: Value?
    public var fromPort: Value?
    public var toPort: Value?
    public var sourceSecurityGroupId: Value?
    public var cidrIp: Value?
    public var description: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("GroupId", groupId), ("IpProtocol", ipProtocol), ("FromPort", fromPort), ("ToPort", toPort),
               ("SourceSecurityGroupId", sourceSecurityGroupId), ("CidrIp", cidrIp), ("Description", description))
    }
}

public struct SecurityGroupEgress: TypedResource {
    public let resourceType = "AWS::EC2::SecurityGroupEgress"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var groupId: Value?
    public var ipProtocol: Value?
    public var fromPort: Value?
    public var toPort: Value?
    public var destinationSecurityGroupId: Value?
    public var cidrIp: Value?
    public var description: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("GroupId", groupId), ("IpProtocol", ipProtocol), ("FromPort", fromPort), ("ToPort", toPort),
               ("DestinationSecurityGroupId", destinationSecurityGroupId), ("CidrIp", cidrIp), ("Description", description))
    }
}

public struct VPCEndpoint: TypedResource {
    public let resourceType = "AWS::EC2::VPCEndpoint"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var vpcId: Value?
    public var serviceName: Value?
    public var vpcEndpointType: Value?
    public var subnetIds: Value?
    public var securityGroupIds: Value?
    /// Gateway endpoints only: the route tables that get a route to the service.
    public var routeTableIds: Value?
    public var privateDnsEnabled: Value?
    public var policyDocument: PolicyDocument?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("VpcId", vpcId), ("ServiceName", serviceName), ("VpcEndpointType", vpcEndpointType),
               ("SubnetIds", subnetIds), ("SecurityGroupIds", securityGroupIds), ("RouteTableIds", routeTableIds),
               ("PrivateDnsEnabled", privateDnsEnabled), ("PolicyDocument", policyDocument))
    }
}
