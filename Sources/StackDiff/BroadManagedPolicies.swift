/// AWS-managed policies that grant broad access: attaching one is a widening named as such.
/// Read on 2026-12-06 from the AWS managed policies for job functions
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html) and the
/// AWS Managed Policy Reference (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html).
enum BroadManagedPolicies {
    static let readOn = "2026-12-06"

    /// Policy name → what it grants.
    static let byName: [String: String] = [
        "AdministratorAccess": "full access to every service and resource",
        "PowerUserAccess": "full access to every service except IAM and Organizations management",
        "IAMFullAccess": "full control of IAM, so any other access too",
        "AmazonS3FullAccess": "every S3 action on every bucket",
        "AmazonDynamoDBFullAccess": "every DynamoDB action on every table",
        "AmazonRDSFullAccess": "every RDS action on every database",
        "AmazonRDSDataFullAccess": "the Data API and Secrets Manager on every cluster",
        "SecretsManagerReadWrite": "every secret's value",
        "AWSLambda_FullAccess": "every Lambda function, and passing roles to them",
        "AmazonEC2FullAccess": "every EC2 action, security groups included",
        "AmazonVPCFullAccess": "every VPC action, routes and security groups included",
        "CloudWatchFullAccess": "every CloudWatch action",
        "AWSKeyManagementServicePowerUser": "creating and managing KMS keys",
        "ReadOnlyAccess": "reading every service's data",
        "ViewOnlyAccess": "listing every service's resources",
        "SystemAdministrator": "broad administration of compute, storage and network",
        "NetworkAdministrator": "network administration across the account",
        "DatabaseAdministrator": "database administration across the account",
    ]

    /// What an ARN grants, if it is one of these (`arn:aws:iam::aws:policy/…`, also written with `!Sub` and `${AWS::Partition}`).
    static func grant(of arn: String) -> (name: String, grants: String)? {
        guard arn.contains(":iam::aws:policy/"), let name = arn.split(separator: "/").last.map(String.init), let grants = byName[name] else { return nil }
        return (name, grants)
    }
}
