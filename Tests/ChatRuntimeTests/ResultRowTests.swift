@testable import ChatRuntime
import Testing

/// A result value of the wrong kind is an error naming the column, never an empty string.
@Suite struct ResultRowTests {
    @Test func aWrongKindNamesTheColumnAndWhatItHolds() throws {
        let row = ResultRow([.int(7), .null, .text("t")], "bot search hit")
        #expect(throws: SQLExecutionError.unsupportedValue("bot search hit: column 1 (bot_id) should be text but is int(7)")) {
            try row.text(0, "bot_id")
        }
        #expect(try row.optionalText(1, "bot_id") == nil)
        #expect(throws: SQLExecutionError.unsupportedValue("bot search hit: column 2 (title) should be text but is null")) {
            try row.text(1, "title")
        }
        #expect(throws: SQLExecutionError.unsupportedValue("bot search hit: no column 4 (score); the row has 3")) {
            try row.double(3, "score")
        }
        #expect(try row.int(0, "seq") == 7 && row.double(0, "score") == 7)
    }
}
