/// A custom resource (`Custom::Name`) served by a Lambda function. CloudFormation sends the
/// properties to the function on Create, on Update when one of them changes, and on Delete.
/// Custom types have no provider schema, so this one is written by hand.
public struct CustomResource: Resource {
    public let resourceType: String
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var serviceToken: Typed<String>
    public var customProperties: [Field]

    public init(_ logicalId: String, type: String, serviceToken: Typed<String>, properties: [Field] = []) {
        self.logicalId = logicalId
        self.resourceType = type
        self.serviceToken = serviceToken
        self.customProperties = properties
    }

    public var properties: [Field] { [Field("ServiceToken", serviceToken.value)] + customProperties }
}
