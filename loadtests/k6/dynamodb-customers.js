// k6 script: DynamoDB customers writing and reading items at a constant arrival rate.
// k6 resolves names with the system resolver, not the lab's CoreDNS, so it cannot see the empty
// record; point it at one of the record's addresses (a Toxiproxy fault point) instead. The
// built-in load (loadtests/customers.ts) resolves through CoreDNS on every call, which is what
// the scenarios measure.
//
//   k6 run -e DDB=127.0.11.1:8000 -e RATE=50 -e DURATION=1m loadtests/k6/dynamodb-customers.js
import http from 'k6/http';
import { check } from 'k6';

const DDB = __ENV.DDB || '127.0.11.1:8000';
const TABLE = 'k6customers';

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

export default function () {
  const key = `k-${__VU}-${__ITER}`;
  const headers = { 'content-type': 'application/json', 'x-client-deadline': String(Date.now() + 1000) };
  const put = http.put(`http://${DDB}/v1/items/${TABLE}/${key}`, JSON.stringify({ value: { vu: __VU, iter: __ITER } }), { headers, timeout: '1s' });
  check(put, { written: (r) => r.status === 200 });
  const get = http.get(`http://${DDB}/v1/items/${TABLE}/${key}`, { headers, timeout: '1s' });
  check(get, { 'read back': (r) => r.status === 200 });
}
