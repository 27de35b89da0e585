"""Turns a packaged SAM template into plain CloudFormation, offline, with the SAM translator.

CloudFormation StackSets with service-managed permissions do not accept templates that need
a transform, so the StackSet installs this output. Each function's code bucket becomes
PREFIX-${AWS::Region}: Lambda reads code only from a bucket in the function's own region.

    python sam_to_cfn.py PACKAGED.yaml BUCKET_PREFIX > processed.json
"""
import json
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """Sluice's roles are explicit, so no managed policy name needs resolving."""

    def load(self):
        return {}


def main(path, bucket_prefix):
    with open(path) as f:
        template = yaml_parse(f.read())
    processed = transform(template, {}, NoManagedPolicies())
    for resource in processed["Resources"].values():
        if resource["Type"] == "AWS::Lambda::Function":
            resource["Properties"]["Code"]["S3Bucket"] = {"Fn::Sub": bucket_prefix + "-${AWS::Region}"}
    json.dump(processed, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
