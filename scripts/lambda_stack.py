"""Creates and checks the scanner's resources in the local AWS emulator, for
scripts/lambda-smoke.sh. Uses boto3 from moto's venv; reads AWS_ENDPOINT_URL and the dummy
credentials that scripts/with-moto.sh exports.

    lambda_stack.py setup STATE_JSON EVENT_TEMPLATE EVENT_OUT   # buckets, table, object, event
    lambda_stack.py check STATE_JSON                            # the object's item is in the table
"""

import json
import random
import sys
import time

import boto3

REGION = "us-east-1"
OBJECT_KEY = "incoming/customer list 2026.csv"


def luhn_valid(prefix: str, length: int, rng: random.Random) -> str:
    """A card number with the right check digit, so the scanner's Luhn check accepts it."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counted from the check digit's left neighbour
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def ssn(rng: random.Random) -> str:
    """A well-formed SSN: area 001-665 or 667-899, group and serial not zero."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def fixture(rng: random.Random) -> bytes:
    rows = ["name,ssn,credit_card_number,notes"]
    for i in range(3):
        rows.append(f"customer {i},{ssn(rng)},{luhn_valid('4', 16, rng)},plain text")
    return ("\n".join(rows) + "\n").encode()


def form_encode(key: str) -> str:
    """S3 event keys are form-encoded: space as '+', everything unsafe as %XX."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/")
    return "".join("+" if c == " " else c if c in safe else "".join(f"%{b:02X}" for b in c.encode()) for c in key)


def setup(state_path: str, template_path: str, event_path: str) -> None:
    suffix = f"{time.time_ns():x}"
    state = {
        "source": f"smoke-src-{suffix}",
        "results": f"smoke-res-{suffix}",
        "table": f"smoke-findings-{suffix}",
        "key": OBJECT_KEY,
    }
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (state["source"], state["results"]):
        s3.create_bucket(Bucket=bucket)
    ddb = boto3.client("dynamodb", region_name=REGION)

    def gsi(name: str, pk: str) -> dict:
        return {
            "IndexName": name,
            "KeySchema": [{"AttributeName": pk, "KeyType": "HASH"}, {"AttributeName": "scannedAt", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }

    ddb.create_table(
        TableName=state["table"],
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"}
            for n in ("pk", "sk", "bucket", "severity", "findingType", "scannedAt")
        ],
        GlobalSecondaryIndexes=[
            gsi("byBucket", "bucket"),
            gsi("bySeverity", "severity"),
            gsi("byFindingType", "findingType"),
        ],
    )
    body = fixture(random.Random(2026))
    s3.put_object(Bucket=state["source"], Key=OBJECT_KEY, Body=body)

    # The sample S3 put event, pointed at the object just created. The emulator's bucket is not
    # versioned, so the sample's versionId and eTag go.
    with open(template_path) as f:
        event = json.load(f)
    record = event["Records"][0]
    record["awsRegion"] = REGION
    record["s3"]["bucket"]["name"] = state["source"]
    record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{state['source']}"
    obj = record["s3"]["object"]
    obj["key"] = form_encode(OBJECT_KEY)
    obj["size"] = len(body)
    obj.pop("versionId", None)
    obj.pop("eTag", None)
    with open(event_path, "w") as f:
        json.dump(event, f)
    with open(state_path, "w") as f:
        json.dump(state, f)


def check(state_path: str) -> None:
    with open(state_path) as f:
        state = json.load(f)
    ddb = boto3.client("dynamodb", region_name=REGION)
    item = ddb.get_item(
        TableName=state["table"],
        Key={"pk": {"S": f"OBJECT#{state['source']}#{state['key']}"}, "sk": {"S": "VERSION#null"}},
    ).get("Item")
    if item is None:
        sys.exit("lambda-smoke: FAIL: no item for the object in the findings table")
    status = item.get("status", {}).get("S")
    severity = item.get("severity", {}).get("S")
    types = sorted(item.get("types", {}).get("SS", []))
    print(f"lambda-smoke: item found: status={status} severity={severity} types={types}")
    if status != "COMPLETE" or "CREDIT_CARD_NUMBER" not in types or "USA_SOCIAL_SECURITY_NUMBER" not in types:
        sys.exit("lambda-smoke: FAIL: the item does not record the planted card numbers and SSNs")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "setup":
        setup(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
