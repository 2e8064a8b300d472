/// Values of other stacks a stack imported until now and no longer uses, kept exported by their
/// stacks for one more deploy. A stage deploys producers first, and CloudFormation refuses to
/// remove an export that a deployed stack still imports (`synth diff` reports it as a deploy
/// blocker); kept, the export goes only once the consumer is deployed without the import, when
/// this declaration is removed.
public struct KeepExported: StackContent {
    public let values: [Value]

    public init(_ values: [Value]) { self.values = values }

    public var elements: [StackElement] { values.map { .keptImport($0) } }
}
