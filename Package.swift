// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "aurora-chat-infra",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "synth", targets: ["synth"]),
        .library(name: "CloudFormation", targets: ["CloudFormation"]),
        .library(name: "YAML", targets: ["YAML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The system libyaml (Debian libyaml-dev); the YAML target is the only one that sees it.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAML", dependencies: ["CYAML"]),
        .target(name: "CloudFormation", dependencies: ["YAML"]),
        .target(name: "SynthCore", dependencies: ["CloudFormation", "YAML"]),
        // This project's own infrastructure, written with the DSL.
        .target(name: "Stacks", dependencies: ["CloudFormation"], path: "stacks"),
        .executableTarget(
            name: "synth",
            dependencies: [
                "SynthCore", "Stacks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "synth-bench", dependencies: ["SynthCore", "Stacks", "CloudFormation"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "CloudFormationTests", dependencies: ["CloudFormation", "YAML"]),
        .testTarget(name: "SynthTests", dependencies: ["SynthCore", "Stacks", "CloudFormation", "YAML"]),
    ]
)
