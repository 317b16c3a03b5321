# Run as a child of `ssohelper exec --server`: botocore finds the credential endpoint by itself
# and calls STS (AWS_ENDPOINT_URL_STS); prints the identity and the access key it used.
import json

import boto3

session = boto3.Session()
identity = session.client("sts", region_name="us-east-1").get_caller_identity()
creds = session.get_credentials()
print(json.dumps({"arn": identity["Arn"], "key": creds.get_frozen_credentials().access_key, "method": creds.method}))
