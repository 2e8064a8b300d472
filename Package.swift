// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "aurora-chat-infra",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "synth", targets: ["synth"]),
        .executable(name: "data-api-local", targets: ["data-api-local"]),
        .executable(name: "chat-store", targets: ["chat-store"]),
        .executable(name: "chat-function", targets: ["chat-function"]),
        .library(name: "CloudFormation", targets: ["CloudFormation"]),
        .library(name: "YAML", targets: ["YAML"]),
        .library(name: "SQLSchema", targets: ["SQLSchema"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.30.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.30.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // The system libyaml (Debian libyaml-dev); the YAML target is the only one that sees it.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAML", dependencies: ["CYAML"]),
        // What the two DSLs (stacks and schema) share: where a declaration was written.
        .target(name: "DSLCore"),
        // Template syntax the DSL and the template readers share: Fn::Sub placeholders.
        .target(name: "TemplateSyntax"),
        .target(name: "CloudFormation", dependencies: ["DSLCore", "TemplateSyntax", "YAML", "JSONText"]),
        // SHA-256 (fingerprints, checksums) from swift-crypto, so BoringSSL is on the synth path: it
        // measured 6.3 M of `synth --all`'s 98 M instructions (callgrind), at 13 instructions a byte
        // where a straightforward Swift SHA-256 took 70, so keeping BoringSSL off that path does not pay.
        .target(name: "SQLSchema", dependencies: ["DSLCore", "JSONText", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "JSONText"),
        // An HTTP API's routes with their request and response shapes, and its OpenAPI document.
        .target(name: "HTTPAPIContract", dependencies: ["JSONText"]),
        .target(name: "SynthCore", dependencies: ["CloudFormation", "SQLSchema", "DSLCore", "YAML", "JSONText"]),
        // synth diff: template and schema diffs for review, replacement- and security-aware.
        // Templates as synth diff and synth cost read them: values with intrinsics in one form.
        .target(name: "Templates", dependencies: ["YAML", "TemplateSyntax"]),
        // synth cost: the price table, cost models per resource type, estimates and their changes.
        .target(name: "CostEstimate", dependencies: ["Templates", "JSONText"]),
        .target(name: "StackDiff", dependencies: ["YAML", "SQLSchema", "TemplateSyntax", "JSONText", "Templates", "CostEstimate"]),
        // Where synth diff's two sides come from: the stacks now, out/<stage>/, a git revision, two files.
        // StackDiff itself only compares what it is given.
        .target(name: "DiffSources", dependencies: ["StackDiff", "CloudFormation", "SynthCore", "SQLSchema", "CostEstimate", "YAML", "Spawn"]),
        // This project's own infrastructure and database schema, written with the DSLs.
        .target(name: "Stacks", dependencies: ["CloudFormation", "SQLSchema", "SynthCore", "CostEstimate", "HTTPAPIContract"], path: "stacks"),
        .executableTarget(
            name: "synth",
            dependencies: [
                "SynthCore", "Stacks", "StackDiff", "DiffSources", "CostEstimate", "CommandArguments", "SQLSchema",
            ]
        ),
        .executableTarget(name: "synth-bench", dependencies: ["SynthCore", "Stacks", "CloudFormation", "StackDiff", "CostEstimate", "YAML", "Spawn"]),

        // The RDS Data API: wire format, SigV4, and the local endpoint over PostgreSQL.
        .target(name: "DataAPIWire"),
        // Time limits for waits on other processes (postgres-nio waits forever on a dead server).
        .target(name: "Deadline"),
        // postgres-nio waits under those limits: leasing a connection, and a statement on one.
        .target(name: "PostgresTimeLimits", dependencies: ["Deadline", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Services started over time (connection pools) run inside the service that owns them, never in loose tasks.
        .target(name: "DynamicServices", dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        // Runs child programs (git, psql, scripts) with posix_spawn, a time limit and no run loop.
        .target(name: "Spawn"),
        // The exit-code table every command shares: 0 success, 1 findings, 2 usage or input errors.
        // synth's command line: one declaration per command reads the arguments and writes the help.
        // (argument-parser's reflection and completion checks were 9% of `synth --all`'s instructions.)
        .target(name: "CommandArguments"),
        .target(name: "CommandLineExit", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "AWSSigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Calls to AWS services other than the Data API (Secrets Manager, DynamoDB, S3), shared by the runtime and
        // data-api-local, and the credential chain they sign with (STS, SSO, container endpoints, IMDS).
        .target(name: "AWSServices", dependencies: ["AWSSigV4", "Deadline", "PostgresTimeLimits", "Spawn", .product(name: "Crypto", package: "swift-crypto"),
                                                 .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(
            name: "DataAPILocal",
            dependencies: [
                "DataAPIWire", "AWSSigV4", "JSONText", "Deadline", "PostgresTimeLimits", "DynamicServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The runtime: chat history and search over the Data API or PostgreSQL. It depends on the
        // contract synth generates (Generated/ChatContract.swift), never on the DSL.
        .target(
            name: "ChatRuntime",
            dependencies: [
                "DataAPIWire", "AWSSigV4", "AWSServices", "Deadline", "PostgresTimeLimits", "DynamicServices", "SQLSchema",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Lambda Runtime API loop (protocol only: no chat knowledge).
        .target(
            name: "LambdaRuntime",
            dependencies: ["Deadline", "JSONText", "DynamicServices", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        // The chat function's routes: HTTP API events mapped to store calls.
        .target(name: "ChatFunction", dependencies: ["ChatRuntime", "AWSServices", "LambdaRuntime", "DynamicServices", "HTTPAPIContract"]),
        .executableTarget(
            name: "chat-function",
            dependencies: [
                "ChatFunction", "ChatRuntime", "LambdaRuntime", "DynamicServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "chat-store",
            dependencies: ["ChatRuntime", "AWSServices", "CommandLineExit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "chat-bench", dependencies: ["ChatRuntime", "DataAPILocal", "AWSSigV4", "DynamicServices", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .executableTarget(name: "search-bench", dependencies: ["ChatRuntime", "DynamicServices"]),
        // Cold start, warm overhead and size of the packaged function, under the test emulator.
        .executableTarget(name: "function-bench", dependencies: ["ChatRuntime", "DynamicServices", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "data-api-bench",
            dependencies: [
                "DataAPILocal", "DataAPIWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "data-api-local",
            // Names the runtime's environment variables from the generated contract (no Stacks, so no libyaml).
            dependencies: ["DataAPILocal", "AWSServices", "ChatRuntime", "CommandLineExit", "Spawn", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "TestSupport"]),
        .testTarget(name: "CloudFormationTests", dependencies: ["CloudFormation", "YAML", "Spawn", "TestSupport"]),
        .testTarget(name: "SynthTests", dependencies: ["SynthCore", "Stacks", "CloudFormation", "SQLSchema", "YAML", "JSONText", "CommandArguments", "TestSupport",
                                                    .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "StackDiffTests", dependencies: ["StackDiff", "DiffSources", "YAML", "Stacks", "SynthCore", "CloudFormation", "TestSupport"]),
        .testTarget(name: "DeadlineTests", dependencies: ["Deadline"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", "Deadline", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "CostEstimateTests", dependencies: ["CostEstimate", "StackDiff", "Stacks", "YAML", "TestSupport"]),
        .testTarget(name: "SQLSchemaTests", dependencies: ["SQLSchema", "Stacks", "SynthCore", "TestSupport"]),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4", "TestSupport"]),
        .testTarget(name: "DataAPILocalTests", dependencies: ["DataAPILocal", "DataAPIWire", "TestSupport"]),
        .testTarget(name: "ChatRuntimeTests", dependencies: ["ChatRuntime", "AWSServices", "ChatFunction", "LambdaRuntime", "TestSupport", "AWSSigV4", "SQLSchema", "Stacks", "PostgresTimeLimits",
                                                     "DynamicServices", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        // Shared by every test suite that needs a real PostgreSQL.
        .target(
            name: "TestSupport",
            dependencies: [
                "Spawn",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
    ]
)
