/// Request and response bodies of the five Data API operations, member names as on the wire
/// (botocore's `rds-data` 2018-08-01 model).

public enum TypeHint: String, Sendable, Codable, CaseIterable {
    case date = "DATE", time = "TIME", timestamp = "TIMESTAMP", decimal = "DECIMAL", uuid = "UUID", json = "JSON"
}

public struct SqlParameter: Sendable, Equatable, Codable {
    public var name: String?
    public var value: Field?
    public var typeHint: TypeHint?

    public init(name: String, value: Field, typeHint: TypeHint? = nil) {
        self.name = name
        self.value = value
        self.typeHint = typeHint
    }
}

public struct ResultSetOptions: Sendable, Equatable, Codable {
    public enum DecimalReturnType: String, Sendable, Codable { case string = "STRING", doubleOrLong = "DOUBLE_OR_LONG" }
    public enum LongReturnType: String, Sendable, Codable { case long = "LONG", string = "STRING" }
    public var decimalReturnType: DecimalReturnType?
    public var longReturnType: LongReturnType?

    public init(decimalReturnType: DecimalReturnType? = nil, longReturnType: LongReturnType? = nil) {
        self.decimalReturnType = decimalReturnType
        self.longReturnType = longReturnType
    }
}

public enum RecordsFormat: String, Sendable, Codable { case none = "NONE", json = "JSON" }

public struct ExecuteStatementRequest: Sendable, Codable {
    public var resourceArn: String
    public var secretArn: String
    public var sql: String
    public var database: String?
    public var schema: String?
    public var parameters: [SqlParameter]?
    public var transactionId: String?
    public var includeResultMetadata: Bool?
    public var continueAfterTimeout: Bool?
    public var resultSetOptions: ResultSetOptions?
    public var formatRecordsAs: RecordsFormat?

    public init(resourceArn: String, secretArn: String, sql: String, database: String? = nil, parameters: [SqlParameter]? = nil,
                transactionId: String? = nil, includeResultMetadata: Bool? = nil, resultSetOptions: ResultSetOptions? = nil,
                formatRecordsAs: RecordsFormat? = nil) {
        self.resourceArn = resourceArn
        self.secretArn = secretArn
        self.sql = sql
        self.database = database
        self.parameters = parameters
        self.transactionId = transactionId
        self.includeResultMetadata = includeResultMetadata
        self.resultSetOptions = resultSetOptions
        self.formatRecordsAs = formatRecordsAs
    }
}

public struct ColumnMetadata: Sendable, Equatable, Codable {
    public var name: String?
    public var type: Int?
    public var typeName: String?
    public var label: String?
    public var schemaName: String?
    public var tableName: String?
    public var isAutoIncrement: Bool?
    public var isSigned: Bool?
    public var isCurrency: Bool?
    public var isCaseSensitive: Bool?
    public var nullable: Int?
    public var precision: Int?
    public var scale: Int?
    public var arrayBaseColumnType: Int?

    public init() {}
}

public struct ExecuteStatementResponse: Sendable, Codable {
    public var records: [[Field]]?
    public var columnMetadata: [ColumnMetadata]?
    public var numberOfRecordsUpdated: Int64?
    public var generatedFields: [Field]?
    public var formattedRecords: String?

    public init(records: [[Field]]? = nil, columnMetadata: [ColumnMetadata]? = nil, numberOfRecordsUpdated: Int64? = nil,
                generatedFields: [Field]? = nil, formattedRecords: String? = nil) {
        self.records = records
        self.columnMetadata = columnMetadata
        self.numberOfRecordsUpdated = numberOfRecordsUpdated
        self.generatedFields = generatedFields
        self.formattedRecords = formattedRecords
    }
}

public struct BatchExecuteStatementRequest: Sendable, Codable {
    public var resourceArn: String
    public var secretArn: String
    public var sql: String
    public var database: String?
    public var schema: String?
    public var parameterSets: [[SqlParameter]]?
    public var transactionId: String?

    public init(resourceArn: String, secretArn: String, sql: String, database: String? = nil,
                parameterSets: [[SqlParameter]]? = nil, transactionId: String? = nil) {
        self.resourceArn = resourceArn
        self.secretArn = secretArn
        self.sql = sql
        self.database = database
        self.parameterSets = parameterSets
        self.transactionId = transactionId
    }
}

public struct UpdateResult: Sendable, Equatable, Codable {
    public var generatedFields: [Field]?
    public init(generatedFields: [Field]? = []) { self.generatedFields = generatedFields }
}

public struct BatchExecuteStatementResponse: Sendable, Codable {
    public var updateResults: [UpdateResult]?
    public init(updateResults: [UpdateResult]) { self.updateResults = updateResults }
}

public struct BeginTransactionRequest: Sendable, Codable {
    public var resourceArn: String
    public var secretArn: String
    public var database: String?
    public var schema: String?

    public init(resourceArn: String, secretArn: String, database: String? = nil) {
        self.resourceArn = resourceArn
        self.secretArn = secretArn
        self.database = database
    }
}

public struct BeginTransactionResponse: Sendable, Codable {
    public var transactionId: String?
    public init(transactionId: String) { self.transactionId = transactionId }
}

/// The body of CommitTransaction and RollbackTransaction.
public struct EndTransactionRequest: Sendable, Codable {
    public var resourceArn: String
    public var secretArn: String
    public var transactionId: String

    public init(resourceArn: String, secretArn: String, transactionId: String) {
        self.resourceArn = resourceArn
        self.secretArn = secretArn
        self.transactionId = transactionId
    }
}

public struct EndTransactionResponse: Sendable, Codable {
    public var transactionStatus: String?
    public init(transactionStatus: String) { self.transactionStatus = transactionStatus }
}
