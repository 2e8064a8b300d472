import Foundation
import Testing
import TestSupport

/// `synth cost` as a user runs it, and docs/cost.md's table, which the command produces.
@Suite(.timeLimit(.minutes(5))) struct CostCommandTests {
    static let root = TestPostgres.repositoryRoot
    static let synth = root.appendingPathComponent(".build/debug/synth")

    func cost(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProgram(Self.synth, ["cost"] + arguments, in: Self.root)
    }

    @Test func theDocumentedTableIsWhatTheCommandPrints() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("docs/cost.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- synth-cost -->\n"), "docs/cost.md has no <!-- synth-cost --> block")
        let end = try #require(readme.range(of: "<!-- /synth-cost -->", range: start.upperBound..<readme.endIndex))
        let printed = try cost(["--all", "--format", "markdown"])
        #expect(printed.status == 0)
        #expect(String(readme[start.upperBound..<end.lowerBound]) == printed.output,
                "docs/cost.md's cost table is stale: replace the block with `swift run synth cost --all --format markdown`")
    }

    @Test func whatIfFlagsOverrideTheProfile() throws {
        let base = try cost(["staging", "--format", "json"])
        let busier = try cost(["staging", "--requests-per-month", "2000000", "--average-acu", "2", "--format", "json"])
        #expect(base.status == 0 && busier.status == 0)
        #expect(busier.output.contains("\"requestsPerMonth\": 2000000") && busier.output.contains("\"averageACU\": 2"))
        // The floor does not move with traffic; the cost at the profile does.
        func total(_ json: String, _ key: String) throws -> Double {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let estimate = try #require((object["estimates"] as? [[String: Any]])?.first)
            return try #require(estimate[key] as? Double)
        }
        #expect(try total(base.output, "fixed") == total(busier.output, "fixed"))
        #expect(try total(busier.output, "atProfile") > total(base.output, "atProfile") + 100)
    }

    @Test func badInputIsExitTwoWithWhatToChange() throws {
        let region = try cost(["dev", "--region", "eu-west-9"])
        #expect(region.status == 2 && region.output.contains("no price table for region eu-west-9; the table has us-east-1"))
        let usage = try cost(["dev", "--average-acu=-3"])
        #expect(usage.status == 2 && usage.output.contains("--average-acu must be a number ≥ 0"))
        let stage = try cost(["qa"])
        #expect(stage.status != 0 && stage.output.contains("unknown stage \"qa\""))
        #expect(try cost(["out/dev/app.yaml", "out/dev/database.yaml"]).output.contains("out/dev/app.yaml + out/dev/database.yaml"))
    }
}
