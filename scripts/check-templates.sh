#!/usr/bin/env bash
# Lints the deployment templates: cfn-lint, `sam validate --lint` (which also runs the SAM
# translator, catching what cfn-lint misses) and checkov, over template.yaml and infra/*.yaml.
# Every suppression sits next to what it suppresses, with its reason.
#
# The tools live in their own venv (.venv-tools, gitignored), apart from the emulator's:
# aws-sam-cli pins its own boto3. Nothing here talks to AWS: the credentials are dummies.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-tools
if [ ! -x $VENV/bin/cfn-lint ] || [ ! -x $VENV/bin/sam ] || [ ! -x $VENV/bin/checkov ]; then
  python3 -m venv $VENV
  $VENV/bin/pip install -q --upgrade pip
  $VENV/bin/pip install -q cfn-lint checkov aws-sam-cli
fi
export SAM_CLI_TELEMETRY=0 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
templates=(template.yaml infra/*.yaml)

echo "== cfn-lint $($VENV/bin/cfn-lint --version | awk '{print $2}')"
$VENV/bin/cfn-lint "${templates[@]}"

echo "== sam validate --lint"
$VENV/bin/sam validate --lint --template-file template.yaml

echo "== checkov"
# --skip-download: no call to the vendor's API for guideline links (the run stays offline).
$VENV/bin/checkov --quiet --compact --skip-download --framework cloudformation \
  $(printf -- '-f %s ' "${templates[@]}")
echo "templates: ok"
