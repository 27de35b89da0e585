#!/usr/bin/env bash
# Packages Sluice for infra/stackset.yaml: builds both functions, uploads their code to one
# artifact bucket per region (PREFIX-REGION: Lambda reads code only from its own region),
# turns the SAM template into plain CloudFormation (service-managed StackSets take no
# transform), uploads it and prints the TemplateURL to give the StackSet.
#
#   scripts/package-stackset.sh PREFIX us-east-1,eu-west-1
#
# Each PREFIX-REGION bucket must exist and let the organization's accounts read the code
# (bucket policy in docs/deploy.md, "Deploy in many accounts").
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:?artifact bucket prefix}
regions=${2:?comma-separated regions}
first=${regions%%,*}
VENV=.venv-tools
scripts/sam-build.sh
export PATH="$PWD/$VENV/bin:$PATH" SAM_CLI_TELEMETRY=0
sam package --region "$first" --s3-bucket "$prefix-$first" --s3-prefix sluice \
  --output-template-file packaged-stackset.yaml
AWS_DEFAULT_REGION=$first $VENV/bin/python scripts/sam_to_cfn.py packaged-stackset.yaml "$prefix" >packaged-stackset.json
cfn-lint packaged-stackset.json
keys=$(python3 -c '
import json, sys
t = json.load(open("packaged-stackset.json"))
print("\n".join(sorted({r["Properties"]["Code"]["S3Key"] for r in t["Resources"].values() if r["Type"] == "AWS::Lambda::Function"})))')
IFS=, read -ra all_regions <<<"$regions"
for region in "${all_regions[@]:1}"; do
  for key in $keys; do
    aws s3 cp "s3://$prefix-$first/$key" "s3://$prefix-$region/$key" --source-region "$first" --region "$region"
  done
done
aws s3 cp packaged-stackset.json "s3://$prefix-$first/sluice/stackset-template.json" --region "$first"
echo "TemplateURL=https://$prefix-$first.s3.$first.amazonaws.com/sluice/stackset-template.json"
