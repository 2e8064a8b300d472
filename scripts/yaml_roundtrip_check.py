"""Reads a document written by the Swift emitter with PyYAML (as cfn-lint does, CloudFormation's
short-form tags registered) and checks that every string came back unchanged.

usage: yaml_roundtrip_check.py DOC.yaml EXPECTED.hex   (one hex-encoded UTF-8 string per line)
"""
import sys

import yaml


class CloudFormationLoader(yaml.SafeLoader):
    pass


def tagged(loader, tag_suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return {"!" + tag_suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {"!" + tag_suffix: loader.construct_sequence(node, deep=True)}
    return {"!" + tag_suffix: loader.construct_mapping(node, deep=True)}


CloudFormationLoader.add_multi_constructor("!", tagged)


def main():
    doc_path, expected_path = sys.argv[1], sys.argv[2]
    with open(doc_path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=CloudFormationLoader)
    with open(expected_path, encoding="utf-8") as f:
        expected = [bytes.fromhex(line.strip()).decode("utf-8") for line in f.read().split("\n")]
    failures = []
    keys = list(doc["keys"].keys())
    for i, text in enumerate(expected):
        checks = [
            ("value", doc["values"][i]),
            ("key", keys[i].split("|", 1)[1] if isinstance(keys[i], str) else keys[i]),
            ("tagged", doc["tagged"][i].get("!Sub") if isinstance(doc["tagged"][i], dict) else doc["tagged"][i]),
        ]
        for where, got in checks:
            if got != text:
                failures.append(f"{where} {i}: wrote {text!r}, PyYAML read {got!r}")
    for line in failures[:40]:
        print(line)
    if failures:
        print(f"{len(failures)} mismatches")
        sys.exit(1)
    print(f"{len(expected)} strings read back unchanged by PyYAML {yaml.__version__}")


main()
