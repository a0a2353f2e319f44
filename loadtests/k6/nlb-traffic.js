// k6 script: customer traffic through the lab's NLB at a constant arrival rate (open model).
// The built-in generator (loadtests/http-load.ts) does the same for tests and benchmarks; this is
// for users who have k6. Addresses come from `npx outage-lab status --json` (component "nlb").
//
//   k6 run -e NLB=127.0.6.1:8080 -e RATE=40 -e DURATION=2m loadtests/k6/nlb-traffic.js
import http from 'k6/http';
import { check } from 'k6';

const NLB = __ENV.NLB || '127.0.6.1:8080';

export const options = {
  scenarios: {
    customers: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 40),
      timeUnit: '1s',
      duration: __ENV.DURATION || '2m',
      preAllocatedVUs: 50,
      maxVUs: 2000,
    },
  },
  thresholds: { http_req_failed: ['rate<0.01'] },
};

export default function () {
  const res = http.get(`http://${NLB}/`, { timeout: '2s' });
  check(res, { 'served by a target': (r) => r.status === 200 });
}
