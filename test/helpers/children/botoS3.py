# botocore's S3 client against the emulator (path-style): the operations Terraform's backend
# uses, then requests signed with a wrong secret and an unknown key. Prints what happened as JSON.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, key_id, secret, token = sys.argv[1:5]


def client(key=key_id, sec=secret):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id=key,
        aws_secret_access_key=sec,
        aws_session_token=token,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def code(call):
    try:
        call()
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"]


s3 = client()
out = {}
s3.put_object(Bucket="b", Key="dir/state file.json", Body=b'{"v":1}')
out["get"] = s3.get_object(Bucket="b", Key="dir/state file.json")["Body"].read().decode()
out["head"] = s3.head_object(Bucket="b", Key="dir/state file.json")["ContentLength"]
out["list"] = [o["Key"] for o in s3.list_objects_v2(Bucket="b", Prefix="dir/").get("Contents", [])]
out["missing"] = code(lambda: s3.get_object(Bucket="b", Key="missing"))
out["noBucket"] = code(lambda: s3.get_object(Bucket="nobucket", Key="x"))
out["wrongSecret"] = code(lambda: client(sec="not-the-secret").put_object(Bucket="b", Key="k", Body=b"x"))
out["unknownKey"] = code(lambda: client(key="ASIAUNKNOWNKEY000000").put_object(Bucket="b", Key="k", Body=b"x"))
print(json.dumps(out))
