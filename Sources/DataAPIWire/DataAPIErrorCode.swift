/// The Data API's error codes with the HTTP status the service sends them with. botocore reads the
/// code from the `x-amzn-ErrorType` header (then the body's `code`) and raises the matching exception.
public enum DataAPIErrorCode: String, Sendable, Codable, CaseIterable {
    case accessDenied = "AccessDeniedException"
    case badRequest = "BadRequestException"
    case databaseError = "DatabaseErrorException"
    case databaseNotFound = "DatabaseNotFoundException"
    case databaseResuming = "DatabaseResumingException"
    case databaseUnavailable = "DatabaseUnavailableException"
    case forbidden = "ForbiddenException"
    case httpEndpointNotEnabled = "HttpEndpointNotEnabledException"
    case internalServerError = "InternalServerErrorException"
    case invalidResourceState = "InvalidResourceStateException"
    case invalidSecret = "InvalidSecretException"
    case notFound = "NotFoundException"
    case secretsError = "SecretsErrorException"
    case serviceUnavailable = "ServiceUnavailableError"
    case statementTimeout = "StatementTimeoutException"
    case transactionNotFound = "TransactionNotFoundException"
    case unsupportedResult = "UnsupportedResultException"
    // Request-level codes of the AWS front door (not in the rds-data model).
    case invalidSignature = "InvalidSignatureException"
    case missingAuthenticationToken = "MissingAuthenticationTokenException"
    case unrecognizedClient = "UnrecognizedClientException"
    case throttling = "ThrottlingException"

    public var httpStatus: Int {
        switch self {
        case .accessDenied, .forbidden, .invalidSignature, .missingAuthenticationToken, .unrecognizedClient: 403
        case .databaseNotFound, .notFound, .transactionNotFound: 404
        case .internalServerError: 500
        case .serviceUnavailable: 503
        case .databaseUnavailable: 504
        default: 400
        }
    }

    /// Worth retrying the same call later: the cluster is waking up, busy or briefly unavailable.
    public var isTransient: Bool {
        switch self {
        case .databaseResuming, .internalServerError, .serviceUnavailable, .databaseUnavailable, .throttling: true
        default: false
        }
    }
}

/// The JSON body of an error response.
public struct ErrorBody: Sendable, Codable, Equatable {
    public var message: String?
    public var code: String?
    public init(message: String, code: String) {
        self.message = message
        self.code = code
    }
}
