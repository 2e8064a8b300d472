import Testing
@testable import DataAPILocal
import DataAPIWire

@Suite struct SQLScannerTests {
    func rewrite(_ sql: String) throws -> SQLScanner.Rewritten { try SQLScanner.rewrite(sql) }

    @Test func namedParametersBecomePositionsAndRepeatsShareOne() throws {
        let result = try rewrite("SELECT * FROM t WHERE a = :a AND b = :b OR a2 = :a")
        #expect(result.sql == "SELECT * FROM t WHERE a = $1 AND b = $2 OR a2 = $1")
        #expect(result.names == ["a", "b"])
    }

    @Test func castsLiteralsIdentifiersAndCommentsAreLeftAlone() throws {
        let sql = """
            SELECT :x::int, '2024-01-01 10:00:00'::timestamp, 'it''s :not', E'\\' :no', "col:umn", $$ :nope $$, $tag$ :none $tag$, -- :comment
            /* :block /* nested :x */ */ ARRAY[1,2][1:2], :y
            """
        let result = try rewrite(sql)
        #expect(result.names == ["x", "y"])
        #expect(result.sql.hasPrefix("SELECT $1::int, '2024-01-01 10:00:00'::timestamp, 'it''s :not', E'\\' :no', \"col:umn\", $$ :nope $$, $tag$ :none $tag$, -- :comment"))
        #expect(result.sql.hasSuffix("ARRAY[1,2][1:2], $2"))
    }

    @Test func typeHintCastsFollowThePlaceholder() throws {
        #expect(try SQLScanner.rewrite("WHERE id = :id OR parent = :id", casts: ["id": "uuid"]).sql == "WHERE id = $1::uuid OR parent = $1::uuid")
    }

    @Test func multipleStatementsAreRefusedButATrailingSemicolonIsFine() throws {
        #expect(try rewrite("SELECT 1;  -- done\n").sql == "SELECT 1  -- done\n")
        #expect(throws: SQLScanner.Problem.multipleStatements) { try rewrite("SELECT 1; SELECT 2") }
        #expect(throws: SQLScanner.Problem.multipleStatements) { try rewrite("DELETE FROM t; DROP TABLE t") }
        #expect(try rewrite("SELECT ';' AS semicolon").names.isEmpty)
    }

    @Test func unterminatedLiteralsAreReported() {
        #expect(throws: SQLScanner.Problem.unterminated("string literal")) { try rewrite("SELECT 'open") }
        #expect(throws: SQLScanner.Problem.unterminated("dollar-quoted string")) { try rewrite("SELECT $a$ open") }
    }

    @Test func leadingKeywordSkipsCommentsAndParentheses() {
        #expect(SQLScanner.leadingKeyword("  -- note\n/* x */ (select 1)") == "SELECT")
        #expect(SQLScanner.leadingKeyword("with x as (select 1) select * from x") == "WITH")
        #expect(SQLScanner.leadingKeyword("INSERT INTO t VALUES (1)") == "INSERT")
    }
}

@Suite struct BinaryValuesTests {
    @Test func datesAndTimestamps() {
        #expect(BinaryValues.civilDate(daysSince1970: 0) == "1970-01-01")
        #expect(BinaryValues.civilDate(daysSince1970: 19_737) == "2024-01-15")
        #expect(BinaryValues.civilDate(daysSince1970: -1) == "1969-12-31")
        #expect(BinaryValues.clock(microseconds: 45_296_500_000) == "12:34:56.5")
        #expect(BinaryValues.clock(microseconds: 0) == "00:00:00")
    }
}
