#!/usr/bin/env bash
# Starts a bulk scan of existing objects: an S3 Batch Operations job whose operation is the
# Sluice scanner (Lambda, invocation schema 2.0), like a one-time Macie classification job.
#
#   scripts/start-bulk-scan.sh --bucket NAME [--prefix P] [--sampling PCT]
#                              [--inventory s3://BUCKET/PATH/manifest.json]
#                              [--stack sluice] [--bulk-stack sluice-bulk-scan] [--dry-run]
#
# Manifest: by default a listing of the bucket (under --prefix), sampled here with a stable
# hash of each key so that a repeated job picks the same objects, written as CSV to the job
# bucket. With --inventory, that S3 Inventory report is the manifest and the scanner samples
# (the percentage travels as the job's user argument samplingPercentage).
# The completion report (every task's result) lands under reports/ in the job bucket.
# Needs the AWS CLI v2 and python3, with credentials of the account that owns the bucket.
set -euo pipefail

bucket="" prefix="" sampling=100 inventory="" stack=sluice bulk_stack=sluice-bulk-scan dry_run=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bucket) bucket=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --sampling) sampling=$2; shift 2 ;;
    --inventory) inventory=$2; shift 2 ;;
    --stack) stack=$2; shift 2 ;;
    --bulk-stack) bulk_stack=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -n "$bucket" ] || { echo "--bucket is required" >&2; exit 2; }
case "$sampling" in ''|*[!0-9]*) echo "--sampling takes 1-100" >&2; exit 2 ;; esac
[ "$sampling" -ge 1 ] && [ "$sampling" -le 100 ] || { echo "--sampling takes 1-100" >&2; exit 2; }

output() { # stack output-key
  aws cloudformation describe-stacks --stack-name "$1" \
    --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text
}
scanner=$(output "$stack" ScannerFunctionArn)
role=$(output "$bulk_stack" BatchOperationsRoleArn)
job_bucket=$(output "$bulk_stack" JobBucketName)
caller=$(aws sts get-caller-identity --query Arn --output text)
partition=$(cut -d: -f2 <<<"$caller")
account=$(cut -d: -f5 <<<"$caller")
name="sluice-${bucket}-$(date -u +%Y%m%dT%H%M%SZ)"

if [ -n "$inventory" ]; then
  inv_path=${inventory#s3://}
  etag=$(aws s3api head-object --bucket "${inv_path%%/*}" --key "${inv_path#*/}" --query ETag --output text)
  manifest=$(printf '{"Spec":{"Format":"S3InventoryReport_CSV_20161130"},"Location":{"ObjectArn":"arn:%s:s3:::%s","ETag":%s}}' \
    "$partition" "$inv_path" "$etag")
  scanner_sampling=$sampling
else
  csv=$(mktemp)
  trap 'rm -f "$csv"' EXIT
  # Batch Operations CSV manifests hold URL-encoded keys.
  aws s3api list-objects-v2 --bucket "$bucket" --prefix "$prefix" --query 'Contents[].Key' --output json |
    python3 -c '
import hashlib, json, sys, urllib.parse
bucket, pct = sys.argv[1], int(sys.argv[2])
keys = json.load(sys.stdin) or []
kept = [k for k in keys if int(hashlib.sha256(k.encode()).hexdigest(), 16) % 100 < pct]
for k in kept:
    print(f"{bucket},{urllib.parse.quote(k, safe=str())}")
print(f"{len(kept)} of {len(keys)} objects in the manifest", file=sys.stderr)
' "$bucket" "$sampling" >"$csv"
  [ -s "$csv" ] || { echo "nothing to scan" >&2; exit 0; }
  key="manifests/${name}.csv"
  if [ -z "$dry_run" ]; then
    etag=$(aws s3api put-object --bucket "$job_bucket" --key "$key" --body "$csv" --query ETag --output text)
  else
    etag='"dry-run"'
  fi
  manifest=$(printf '{"Spec":{"Format":"S3BatchOperations_CSV_20180820","Fields":["Bucket","Key"]},"Location":{"ObjectArn":"arn:%s:s3:::%s/%s","ETag":%s}}' \
    "$partition" "$job_bucket" "$key" "$etag")
  scanner_sampling=100 # already sampled
fi

operation=$(printf '{"LambdaInvoke":{"FunctionArn":"%s","InvocationSchemaVersion":"2.0","UserArguments":{"samplingPercentage":"%s","origin":"bulk-scan"}}}' \
  "$scanner" "$scanner_sampling")
report=$(printf '{"Bucket":"arn:%s:s3:::%s","Prefix":"reports","Format":"Report_CSV_20180820","Enabled":true,"ReportScope":"AllTasks"}' \
  "$partition" "$job_bucket")
set -- aws s3control create-job --account-id "$account" --no-confirmation-required --priority 10 \
  --role-arn "$role" --operation "$operation" --manifest "$manifest" --report "$report" \
  --client-request-token "$name" --description "Sluice bulk scan of s3://$bucket/$prefix ($sampling%)" \
  --query JobId --output text
if [ -n "$dry_run" ]; then
  printf '%q ' "$@"; echo
else
  job=$("$@")
  echo "job $job started; follow it with:"
  echo "  aws s3control describe-job --account-id $account --job-id $job --query 'Job.[Status,ProgressSummary]'"
  echo "completion report: s3://$job_bucket/reports/job-$job/"
fi
