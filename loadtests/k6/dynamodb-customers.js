// k6 script: DynamoDB customers writing and reading items at a constant arrival rate, in
// DynamoDB's own JSON 1.0 protocol (X-Amz-Target PutItem / GetItem), signed with SigV4 by k6's
// AWS jslib and the lab's fixed credentials — what the AWS SDK sends.
// k6 resolves names with the system resolver, not the lab's CoreDNS, so it cannot see the empty
// record; point it at one of the record's addresses (a Toxiproxy fault point) instead. The
// built-in load (loadtests/customers.ts, the AWS SDK) resolves through CoreDNS on every call,
// which is what the scenarios measure.
//
//   k6 run -e DDB=127.0.11.1:8000 -e RATE=50 -e DURATION=1m loadtests/k6/dynamodb-customers.js
import http from 'k6/http';
import { check } from 'k6';
import { Endpoint, SignatureV4 } from 'https://jslib.k6.io/aws/0.12.3/signature.js';

const DDB = __ENV.DDB || '127.0.11.1:8000';
const TABLE = 'customers';

export const options = {
  scenarios: {
    customers: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 50),
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: 50,
      maxVUs: 1000,
    },
  },
  thresholds: { http_req_failed: ['rate<0.01'] },
};

const signer = new SignatureV4({
  service: 'dynamodb',
  region: 'us-east-1',
  credentials: { accessKeyId: __ENV.ACCESS_KEY_ID || 'outage-lab', secretAccessKey: 'outage-lab-secret' },
  uriEscapePath: true,
  applyChecksum: false,
});
const endpoint = new Endpoint(`http://${DDB}`);

function call(operation, input) {
  const body = JSON.stringify(input);
  const signed = signer.sign({
    method: 'POST',
    endpoint,
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
    body,
  });
  return http.post(signed.url, body, { headers: signed.headers, timeout: '1s', tags: { operation } });
}

export default function () {
  const key = `k6-${__VU}-${__ITER}`;
  const put = call('PutItem', { TableName: TABLE, Item: { pk: { S: key }, vu: { N: String(__VU) }, iter: { N: String(__ITER) } } });
  check(put, { written: (r) => r.status === 200 });
  const get = call('GetItem', { TableName: TABLE, Key: { pk: { S: key } }, ConsistentRead: true });
  check(get, { 'read back': (r) => r.status === 200 && JSON.parse(r.body).Item?.pk?.S === key });
}
