"""Writes Sources/CloudFormation/Generated/: the typed resources the stacks use, one file per AWS
service, from the resource provider schemas shipped in cfn-lint (the same schemas
scripts/extract_replacement_rules.py reads).

Each resource in ALLOW_LIST becomes a struct whose properties have the schema's types: `Typed<Bool>`,
`Typed<Int>`, `Typed<Double>`, `Typed<String>`, an enum where the schema lists the values, a nested
property struct, a list or a map of those, or `Typed<AnyJSON>` where the schema allows any shape. Each
property carries the schema's description and what changing it does (in place, or a replacement).
The read-only properties become typed attributes (`cluster.endpointAddress`).

usage: .venv/bin/python scripts/generate_resources.py          # write the files
       .venv/bin/python scripts/generate_resources.py --check  # exit 1 when they are stale
       (--out DIR writes or checks DIR instead)
"""
import keyword
import re
import sys
from importlib.metadata import version
from pathlib import Path

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "Sources" / "CloudFormation" / "Generated"

# The resource types the stacks and the open issues use, and their Swift names.
ALLOW_LIST = {
    "AWS::ApiGatewayV2::Api": "HttpApi",
    "AWS::ApiGatewayV2::Authorizer": "HttpApiAuthorizer",
    "AWS::ApiGatewayV2::Integration": "HttpApiIntegration",
    "AWS::ApiGatewayV2::Route": "HttpApiRoute",
    "AWS::ApiGatewayV2::Stage": "HttpApiStage",
    "AWS::CloudWatch::Alarm": "Alarm",
    "AWS::CloudWatch::Dashboard": "Dashboard",
    "AWS::EC2::RouteTable": "RouteTable",
    "AWS::EC2::SecurityGroup": "SecurityGroup",
    "AWS::EC2::SecurityGroupEgress": "SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress": "SecurityGroupIngress",
    "AWS::EC2::Subnet": "Subnet",
    "AWS::EC2::SubnetRouteTableAssociation": "SubnetRouteTableAssociation",
    "AWS::EC2::VPC": "VPC",
    "AWS::EC2::VPCEndpoint": "VPCEndpoint",
    "AWS::IAM::ManagedPolicy": "ManagedPolicy",
    "AWS::IAM::Policy": "Policy",
    "AWS::IAM::Role": "Role",
    "AWS::KMS::Alias": "Alias",
    "AWS::KMS::Key": "Key",
    "AWS::Lambda::EventSourceMapping": "EventSourceMapping",
    "AWS::Lambda::Function": "Function",
    "AWS::Lambda::Permission": "LambdaPermission",
    "AWS::Logs::LogGroup": "LogGroup",
    "AWS::RDS::DBCluster": "DBCluster",
    "AWS::RDS::DBClusterParameterGroup": "DBClusterParameterGroup",
    "AWS::RDS::DBInstance": "DBInstance",
    "AWS::RDS::DBSubnetGroup": "DBSubnetGroup",
    "AWS::SNS::Subscription": "Subscription",
    "AWS::SNS::Topic": "Topic",
    "AWS::SQS::Queue": "Queue",
    "AWS::SecretsManager::RotationSchedule": "RotationSchedule",
    "AWS::SecretsManager::Secret": "Secret",
    "AWS::SecretsManager::SecretTargetAttachment": "SecretTargetAttachment",
}

# Attributes `Fn::GetAtt` returns that the schemas do not list as read-only properties.
EXTRA_ATTRIBUTES = {
    "AWS::SQS::Queue": {"QueueName": "String"},
    "AWS::EC2::VPC": {"CidrBlock": "String"},
}

# IAM policy documents are written with the PolicyDocument builder, not as free JSON.
POLICY_PROPERTIES = {
    ("AWS::IAM::Role", "AssumeRolePolicyDocument"),
    ("AWS::IAM::Policy", "PolicyDocument"),
    ("AWS::IAM::ManagedPolicy", "PolicyDocument"),
    ("AWS::KMS::Key", "KeyPolicy"),
    ("AWS::EC2::VPCEndpoint", "PolicyDocument"),
}

# Names a generated member cannot take: the protocols' own members.
RESERVED_MEMBERS = {"value", "properties", "propertyValues", "attributes", "logicalId", "resourceType", "ref", "elements"}
SWIFT_KEYWORDS = set(keyword.kwlist) | {
    "protocol", "default", "public", "private", "internal", "static", "struct", "enum", "case", "func", "var",
    "let", "init", "self", "Self", "Type", "switch", "where", "extension", "operator", "repeat", "defer", "guard",
    "throws", "rethrows", "subscript", "typealias", "associatedtype", "inout", "true", "false", "nil", "is", "as",
    "any", "some", "do", "catch", "throw", "fallthrough", "continue", "break", "return", "if", "else", "for",
    "while", "in", "import", "class", "deinit", "fileprivate", "open", "Any",
}


def lower_camel(name):
    """`DBClusterIdentifier` → `dbClusterIdentifier`, `VpcId` → `vpcId`, `ARN` → `arn`."""
    match = re.match(r"[A-Z]+", name)
    if not match:
        return name
    run = match.group(0)
    if len(run) == len(name) or len(run) == 1:
        return name[: len(run)].lower() + name[len(run):]
    return run[:-1].lower() + name[len(run) - 1:]


def member(name):
    swift = lower_camel(name)
    if swift in RESERVED_MEMBERS:
        swift += "Property"
    return f"`{swift}`" if swift in SWIFT_KEYWORDS else swift


def case_name(raw):
    """An enum case for a schema value: `Gateway` → `gateway`, `TRIM_HORIZON` → `trimHorizon`,
    `x86_64` stays, `aurora-postgresql` → `auroraPostgresql`, `2012-10-17` → `_2012_10_17`."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", raw) and not re.fullmatch(r"[A-Z0-9_]+", raw):
        name = lower_camel(raw)
    else:
        parts = [p for p in re.split(r"[^A-Za-z0-9]+", raw) if p]
        if not parts:
            name = "empty"
        elif re.fullmatch(r"[A-Z0-9_]+", raw.replace("-", "_").replace(".", "_")):
            words = [w for p in parts for w in p.split("_") if w]
            name = words[0].lower() + "".join(w.capitalize() for w in words[1:])
        else:
            name = lower_camel(parts[0]) + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    if name[:1].isdigit():
        name = "_" + re.sub(r"[^A-Za-z0-9]", "_", raw)
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def type_name(name):
    cleaned = re.sub(r"[^A-Za-z0-9]", "", name)
    cleaned = cleaned[:1].upper() + cleaned[1:]
    # `Foo.Type` and `Foo.Protocol` are metatypes in Swift, so a nested type cannot take those names.
    return cleaned + "Value" if cleaned in ("Type", "Protocol", "Self") else cleaned


def doc_lines(text, indent):
    lines = []
    for raw in (text or "").strip().splitlines():
        raw = raw.rstrip()
        lines.append(f"{indent}///" + (f" {raw.strip()}" if raw.strip() else ""))
    return lines


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kind_phrase(swift, enums):
    """What a value of this Swift type is, in words: `Int` → "an integer (`5432`)"."""
    if swift.startswith("[String: ") and swift.endswith("]"):
        return "a map (`[\"key\": …]`) from strings to values, each " + kind_phrase(swift[len("[String: "):-1], enums)
    if swift.startswith("[") and swift.endswith("]"):
        return "a list (`[…]`), each item " + kind_phrase(swift[1:-1], enums)
    if swift in enums:
        first = Generator.enum_cases(enums[swift])[0][0]
        return f"one of the cases of `{swift}` (`.{first}`)"
    return {
        "Bool": "a boolean (`true`)",
        "Int": "an integer (`5432`, not `\"5432\"`)",
        "Double": "a number (`0.5`)",
        "String": "a string (`\"text\"`)",
        "AnyJSON": "any JSON value",
    }.get(swift, f"a value of `{swift}`, built with `.init {{ $0.… = … }}`")


def kind_note(swift, enums):
    """The doc line that says what a property takes, so a wrong literal's compiler message is easy to read."""
    if swift in ("PolicyDocument", "Tags"):
        return f"Takes: a `{swift}` built with its builder."
    inner = swift[len("Typed<"):-1] if swift.startswith("Typed<") else swift
    return f"Takes: {kind_phrase(inner, enums)}, or any `Typed` value of that kind: a parameter's `ref`, an attribute, `.sub(…)`, `.if(…)`."


class Generator:
    """Renders one resource type: the struct, its nested property structs and enums."""

    def __init__(self, cfn_type, swift_name, schema):
        self.cfn_type, self.swift_name, self.schema = cfn_type, swift_name, schema
        self.definitions = schema.get("definitions", {})
        self.nested = {}  # definition name → Swift struct name, rendered once
        self.pending = []
        self.integer_choices = []  # (property, values) for integer properties the schema limits
        self.read_only = {p.removeprefix("/properties/") for p in schema.get("readOnlyProperties", [])}
        self.create_only = [p.removeprefix("/properties/") for p in schema.get("createOnlyProperties", [])]
        self.conditional = [p.removeprefix("/properties/") for p in schema.get("conditionalCreateOnlyProperties", [])]

    def resolve(self, prop):
        if "$ref" in prop:
            name = prop["$ref"].split("/")[-1]
            return name, self.definitions.get(name, {})
        return None, prop

    def swift_type(self, prop, owner_enums, property_name):
        """The `Kind` of `Typed<Kind>` for a property schema."""
        definition_name, resolved = self.resolve(prop)
        kind = resolved.get("type")
        if isinstance(kind, list):
            kind = kind[0] if len(kind) == 1 else None
        if resolved.get("properties") and kind in (None, "object"):
            return self.nested_struct(definition_name or property_name, resolved)
        if kind == "array":
            items = resolved.get("items", {})
            return f"[{self.swift_type(items, owner_enums, property_name)}]" if items else "[AnyJSON]"
        if kind == "object":
            pattern = list(resolved.get("patternProperties", {}).values())
            additional = resolved.get("additionalProperties")
            element = pattern[0] if len(pattern) == 1 else additional if isinstance(additional, dict) else None
            if element:
                return f"[String: {self.swift_type(element, owner_enums, property_name)}]"
            return "AnyJSON"
        if kind == "string" and resolved.get("enum"):
            enum_name = type_name(definition_name or property_name)
            owner_enums.setdefault(enum_name, resolved["enum"])
            return enum_name
        return {"string": "String", "integer": "Int", "number": "Double", "boolean": "Bool"}.get(kind, "AnyJSON")

    def nested_struct(self, name, definition):
        struct = type_name(name)
        if name not in self.nested:
            self.nested[name] = struct
            self.pending.append((struct, definition))
        return struct

    def property_lines(self, name, prop, owner_enums, indent, update_note, on_resource):
        if (self.cfn_type, name) in POLICY_PROPERTIES and on_resource:
            swift = "PolicyDocument"
        elif name == "Tags" and prop.get("type") == "array":
            swift = "Tags"
        else:
            swift = f"Typed<{self.swift_type(prop, owner_enums, name)}>"
        lines = doc_lines(prop.get("description") or self.resolve(prop)[1].get("description"), indent)
        takes = kind_note(swift, owner_enums)
        if takes:
            if lines:
                lines.append(f"{indent}///")
            lines.append(f"{indent}/// {takes}")
        if update_note:
            if lines:
                lines.append(f"{indent}///")
            lines.append(f"{indent}/// {update_note}")
        lines.append(f"{indent}public var {member(name)}: {swift}? {{")
        allowed = self.resolve(prop)[1]
        if allowed.get("type") == "integer" and allowed.get("enum") and on_resource:
            lines[-1:-1] = [f"{indent}/// Only these values: `{self.swift_name}.allowed{type_name(name)}`."]
            self.integer_choices.append((name, allowed["enum"]))
        lines.append(f"{indent}    get {{ propertyValues[{swift_string(name)}] }}")
        lines.append(f"{indent}    set {{ propertyValues[{swift_string(name)}] = newValue }}")
        lines.append(f"{indent}}}")
        return lines

    def update_note(self, name):
        if name in self.create_only:
            return "Update: changing it replaces the resource."
        nested = sorted(p.split("/", 1)[1] for p in self.create_only if p.startswith(name + "/"))
        if name in self.conditional or any(p.startswith(name + "/") for p in self.conditional):
            return "Update: changing it may replace the resource."
        if nested:
            return "Update: changing " + ", ".join(f"`{p}`" for p in nested) + " replaces the resource; the rest updates in place."
        return "Update: in place."

    @staticmethod
    def enum_cases(values):
        """(case name, raw value) for each value; values that name alike get trailing underscores."""
        seen, cases = set(), []
        for raw in values:
            case = case_name(str(raw))
            while case in seen:
                case += "_"
            seen.add(case)
            cases.append((case, str(raw)))
        return cases

    def enum_lines(self, enums, indent):
        lines = []
        for enum_name, values in sorted(enums.items()):
            lines.append(f"{indent}public enum {enum_name}: String, Sendable, CaseIterable {{")
            lines += [f"{indent}    case {case} = {swift_string(raw)}" for case, raw in self.enum_cases(values)]
            lines += [f"{indent}}}", ""]
        return lines

    def typed_enum_extensions(self, enums, scope):
        """`$0.vpcEndpointType = .gateway`: each case as a member of `Typed` of its enum."""
        lines = []
        for enum_name, values in sorted(enums.items()):
            kind = f"CloudFormation.{scope}.{enum_name}"
            lines.append(f"extension Typed where Kind == {kind} {{")
            lines += [f"    public static var {case}: Typed {{ Typed({kind}.{case}) }}" for case, _ in self.enum_cases(values)]
            lines += ["}", ""]
        return lines

    def attribute_lines(self, indent):
        lines = []
        settable = {lower_camel(p) for p in self.schema.get("properties", {}) if p not in self.read_only}
        attributes = []
        for path in sorted(self.read_only):
            kind = self.attribute_kind(path)
            if kind:
                attributes.append((path, kind))
        attributes += sorted(EXTRA_ATTRIBUTES.get(self.cfn_type, {}).items())
        for path, kind in attributes:
            swift = lower_camel("".join(type_name(part) for part in path.split("/")))
            if swift in settable or swift in RESERVED_MEMBERS:
                swift += "Attribute"
            getatt = path.replace("/", ".")
            lines.append(f"{indent}/// `!GetAtt {self.swift_name}.{getatt}`")
            lines.append(f"{indent}public var {swift}: Typed<{kind}> {{ attribute({swift_string(getatt)}) }}")
        return lines

    def attribute_kind(self, path):
        prop = {"properties": self.schema.get("properties", {})}
        for part in path.split("/"):
            _, prop = self.resolve(prop)
            prop = prop.get("properties", {}).get(part)
            if prop is None:
                return None
        _, resolved = self.resolve(prop)
        kind = resolved.get("type")
        if kind == "array":
            _, items = self.resolve(resolved.get("items", {}))
            element = {"string": "String", "integer": "Int"}.get(items.get("type"))
            return f"[{element}]" if element else None
        return {"string": "String", "integer": "Int", "number": "Double", "boolean": "Bool"}.get(kind)

    def render(self):
        schema = self.schema
        enums = {}
        body = []
        for name, prop in schema.get("properties", {}).items():
            if name in self.read_only:
                continue
            body += self.property_lines(name, prop, enums, "    ", self.update_note(name), on_resource=True)
            body.append("")
        lines = doc_lines(schema.get("description"), "")
        lines += [
            f"public struct {self.swift_name}: TypedResource {{",
            f"    public let resourceType = {swift_string(self.cfn_type)}",
            "    public let logicalId: String",
            "    public var attributes = ResourceAttributes()",
            "    /// The properties set so far, in the order they were set: the order the template shows.",
            "    public var propertyValues = PropertyValues()",
            "",
            "    public init(logicalId: String) { self.logicalId = logicalId }",
            "",
            "    public var properties: [Field] { propertyValues.fields }",
            "",
        ]
        lines += body
        for name, values in self.integer_choices:
            lines.append(f"    /// The values `{name}` may take.")
            lines.append(f"    public static let allowed{type_name(name)} = [{', '.join(str(v) for v in values)}]")
            lines.append("")
        lines += self.attribute_lines("    ")
        lines.append("}")
        lines.append("")
        extensions = self.typed_enum_extensions(enums, self.swift_name)
        if enums:
            lines.append(f"extension {self.swift_name} {{")
            lines += self.enum_lines(enums, "    ")
            lines[-1:] = ["}", ""]
        rendered = set()
        while self.pending:
            struct, definition = self.pending.pop(0)
            if struct in rendered:
                continue
            rendered.add(struct)
            nested_enums = {}
            members = []
            for name, prop in definition.get("properties", {}).items():
                members += self.property_lines(name, prop, nested_enums, "        ", None, on_resource=False)
            lines.append(f"extension {self.swift_name} {{")
            lines += doc_lines(definition.get("description"), "    ")
            lines += [
                f"    public struct {struct}: PropertyObject {{",
                "        public var propertyValues = PropertyValues()",
                "        public init() {}",
                "",
            ]
            lines += members
            if nested_enums:
                lines.append("")
                lines += self.enum_lines(nested_enums, "        ")
                lines.pop()
            lines += ["    }", "}", ""]
            extensions += self.typed_enum_extensions(nested_enums, f"{self.swift_name}.{struct}")
        return "\n".join(lines + extensions)


class RuleCollector:
    """The value constraints a resource's schema carries, as `PropertyRule`s by path (`""` the
    Properties block, `Tags/*/Key` a key of every tag): required properties, the simple forms of
    oneOf/anyOf over required lists, cfn-lint's requiredXor, dependentRequired and
    dependentExcluded, enum, pattern, lengths, ranges and item counts. Policy documents are built
    by PolicyDocument and are not walked."""

    CHECKS = ("pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems")

    def __init__(self, cfn_type, schema):
        self.cfn_type, self.schema = cfn_type, schema
        self.definitions = schema.get("definitions", {})
        self.rules = []

    def rule(self, path, check):
        if (path, check) not in self.rules:
            self.rules.append((path, check))

    def collect(self):
        self.walk_object("", self.schema, set(), top=True)
        return self.rules

    def resolve(self, prop, stack):
        if "$ref" in prop:
            name = prop["$ref"].split("/")[-1]
            if name in stack:
                return None, stack
            return self.definitions.get(name, {}), stack | {name}
        return prop, stack

    @staticmethod
    def required_lists(options):
        lists = [o.get("required") for o in options]
        if all(isinstance(o, dict) and set(o) == {"required"} for o in options) and all(lists):
            return lists
        return None

    def walk_object(self, path, schema, stack, top=False):
        if schema.get("required"):
            self.rule(path, ("required", schema["required"]))
        for key, kind in (("oneOf", "oneRequired"), ("anyOf", "anyRequired")):
            lists = self.required_lists(schema.get(key, []))
            if lists:
                self.rule(path, (kind, lists))
        if schema.get("requiredXor"):
            self.rule(path, ("exactlyOne", schema["requiredXor"]))
        for name, names in sorted(schema.get("dependentRequired", {}).items()):
            self.rule(path, ("dependentRequired", [name] + names))
        for name, names in sorted(schema.get("dependentExcluded", {}).items()):
            self.rule(path, ("dependentExcluded", [name] + names))
        read_only = {p.removeprefix("/properties/") for p in schema.get("readOnlyProperties", [])} if top else set()
        for name, prop in schema.get("properties", {}).items():
            if name in read_only or (top and (self.cfn_type, name) in POLICY_PROPERTIES):
                continue
            self.walk(f"{path}/{name}" if path else name, prop, stack)

    def walk(self, path, prop, stack):
        resolved, stack = self.resolve(prop, stack)
        if resolved is None:
            return
        kind = resolved.get("type")
        if isinstance(kind, list):
            kind = kind[0] if len(kind) == 1 else None
        for key in self.CHECKS:
            if key in resolved and not isinstance(resolved[key], (dict, list)):
                self.rule(path, (key, resolved[key]))
        if resolved.get("format") in ("ipv4-network",):
            self.rule(path, ("format", resolved["format"]))
        if resolved.get("enum") and kind in ("string", "integer", None):
            self.rule(path, ("enum", [str(v) for v in resolved["enum"]]))
        if kind == "array" and isinstance(resolved.get("items"), dict):
            self.walk(path + "/*", resolved["items"], stack)
        if resolved.get("properties") or resolved.get("required"):
            self.walk_object(path, resolved, stack)
        elif kind == "object":
            pattern = list(resolved.get("patternProperties", {}).values())
            additional = resolved.get("additionalProperties")
            element = pattern[0] if len(pattern) == 1 else additional if isinstance(additional, dict) else None
            if element:
                self.walk(path + "/*", element, stack)


def swift_pattern(pattern):
    """The pattern as Swift's Regex reads it, or None. ECMA-262 and Python read `[` inside a class
    as itself; Swift opens a nested class with it, so it is escaped. Swift has no lookbehind, so a
    pattern with one cannot be checked at synth time (the generated file lists it; cfn-lint does)."""
    if "(?<!" in pattern or "(?<=" in pattern:
        return None
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[" and in_class:
            out.append("\\[")
        else:
            if char == "[":
                in_class = True
            elif char == "]" and in_class and out and out[-1] != "[":
                in_class = False
            out.append(char)
    return "".join(out)


def swift_rule(path, check):
    kind, value = check
    quoted = swift_string(path)
    if kind in ("required", "exactlyOne", "dependentRequired", "dependentExcluded"):
        return f".init({quoted}, .{kind}([{', '.join(swift_string(v) for v in value)}]))"
    if kind in ("oneRequired", "anyRequired"):
        lists = ", ".join("[" + ", ".join(swift_string(v) for v in names) + "]" for names in value)
        return f".init({quoted}, .{kind}([{lists}]))"
    if kind == "enum":
        return f".init({quoted}, .enumeration([{', '.join(swift_string(v) for v in value)}]))"
    if kind == "format":
        return f".init({quoted}, .format({swift_string(value)}))"
    if kind == "pattern":
        return f".init({quoted}, .pattern({swift_string(value)}))"
    if kind in ("minLength", "maxLength", "minItems", "maxItems"):
        return f".init({quoted}, .{kind}({int(value)}))"
    return f".init({quoted}, .{kind}({float(value)!r}))"


def rules_file(header):
    skipped = []
    lines = [header.rstrip("\n"), "",
             "/// The value constraints of each generated resource type's provider schema, which synth checks",
             "/// (`PropertyRuleChecker`) before a template is written.",
             "extension PropertyRule {",
             "    static let byResourceType: [String: [PropertyRule]] = ["]
    for cfn_type in sorted(ALLOW_LIST):
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn_type).schema
        rules = []
        for path, (kind, value) in RuleCollector(cfn_type, schema).collect():
            if kind == "pattern":
                value = swift_pattern(value)
                if value is None:
                    skipped.append(f"{cfn_type} {path}")
                    continue
            rules.append((path, (kind, value)))
        lines.append(f"        {swift_string(cfn_type)}: [")
        lines += [f"            {swift_rule(path, check)}," for path, check in rules]
        lines.append("        ],")
    lines += ["    ]", "",
              "    /// Patterns with a lookbehind, which Swift's Regex cannot compile: left to cfn-lint.",
              "    public static let uncheckedPatterns: [String] = [" + ", ".join(swift_string(s) for s in skipped) + "]",
              "}", ""]
    return "\n".join(lines)


def service_files():
    by_service = {}
    for cfn_type, swift_name in sorted(ALLOW_LIST.items()):
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn_type).schema
        service = cfn_type.split("::")[1]
        by_service.setdefault(service, []).append(Generator(cfn_type, swift_name, schema).render())
    header = (
        "// Generated by scripts/generate_resources.py from the resource provider schemas in cfn-lint\n"
        f"// {version('cfn-lint')} (us-east-1; descriptions by AWS, MIT-0). Do not edit: run the script again.\n\n"
    )
    files = {f"{service}.swift": header + "\n".join(parts).rstrip() + "\n" for service, parts in by_service.items()}
    files["PropertyRules.swift"] = rules_file(header)
    return files


def main():
    global OUT
    if "--out" in sys.argv:
        OUT = Path(sys.argv[sys.argv.index("--out") + 1]).resolve()
    files = service_files()
    if "--check" in sys.argv:
        stale = [name for name, text in files.items() if not (OUT / name).exists() or (OUT / name).read_text() != text]
        extra = [p.name for p in OUT.glob("*.swift") if p.name not in files]
        if stale or extra:
            print(f"{OUT} is stale (" + ", ".join(stale + extra) + "): run "
                  ".venv/bin/python scripts/generate_resources.py", file=sys.stderr)
            sys.exit(1)
        print(f"{OUT}: {len(files)} files match the schemas")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.swift"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (OUT / name).write_text(text)
    print(f"{OUT}: {len(files)} files, {len(ALLOW_LIST)} resource types")


main()
