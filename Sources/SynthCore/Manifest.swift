import CloudFormation
import JSONText

/// `out/<stage>/manifest.json`: the stacks in deploy order with their CloudFormation names,
/// template files, dependencies, parameters, outputs and function artifacts — what the packaging
/// and deploy scripts walk.
enum Manifest {
    static func json(app: App, stage: String, stacks: [SynthesizedStack], schema: (fingerprint: String, version: Int)?) -> JSON {
        var entries: [(String, JSON)] = [("app", .string(app.name)), ("stage", .string(stage))]
        if let schema {
            entries.append(("schema", .object([("file", .string("schema.sql")), ("fingerprint", .string(schema.fingerprint)),
                                               ("version", .number(String(schema.version))), ("migrations", .string(StageSchema.directory))])))
        }
        return .object(entries + [
            ("stacks", .array(stacks.map { stack in
                .object([
                    ("name", .string(stack.name)),
                    ("stackName", .string(stack.deployName)),
                    ("template", .string("\(stack.name).yaml")),
                    ("dependsOn", .array(stack.dependencies.map(JSON.string))),
                    ("capabilities", .array(capabilities(stack.template).map(JSON.string))),
                    ("parameters", .array(stack.template.parameters.map(parameter))),
                    ("outputs", .array(stack.template.outputs.map(output))),
                    ("artifacts", .array(FunctionArtifact.all(in: stack.template, stack: stack.name).artifacts.map(artifact))),
                ])
            })),
        ])
    }

    /// IAM resources need CAPABILITY_IAM at deploy time.
    static func capabilities(_ template: Template) -> [String] {
        template.resources.contains { $0.resourceType.hasPrefix("AWS::IAM::") } ? ["CAPABILITY_IAM"] : []
    }

    static func parameter(_ parameter: Parameter) -> JSON {
        var entries: [(String, JSON)] = [("name", .string(parameter.name)), ("type", .string(parameter.type))]
        if let value = parameter.defaultValue, let text = plain(value) { entries.append(("default", .string(text))) }
        if let description = parameter.description { entries.append(("description", .string(description))) }
        return .object(entries)
    }

    static func output(_ output: Output) -> JSON {
        var entries: [(String, JSON)] = [("name", .string(output.name))]
        if let description = output.description { entries.append(("description", .string(description))) }
        if let export = output.exportName, let text = plain(export) { entries.append(("export", .string(text))) }
        return .object(entries)
    }

    /// A deployment package: which parameters name its S3 location, and what it must be built for.
    static func artifact(_ artifact: FunctionArtifact) -> JSON {
        .object([
            ("bucketParameter", .string(artifact.bucketParameter)), ("keyParameter", .string(artifact.keyParameter)),
            ("architecture", .string(artifact.architecture)), ("functions", .array(artifact.functions.map(JSON.string))),
        ])
    }

    static func plain(_ value: Value) -> String? {
        switch value {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}
