// k6 script: RunInstances calls on DWFM at a constant arrival rate. During the outage they fail
// with 503 InsufficientInstanceCapacity (the incident's lie: no droplet can prove its lease).
//
//   k6 run -e DWFM=127.0.5.1:9000 -e RATE=10 -e DURATION=2m loadtests/k6/run-instances.js
import http from 'k6/http';
import { check } from 'k6';

const DWFM = __ENV.DWFM || '127.0.5.1:9000';

export const options = {
  scenarios: {
    launches: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '2m',
      preAllocatedVUs: 20,
      maxVUs: 500,
    },
  },
};

export default function () {
  const res = http.post(`http://${DWFM}/v1/run-instances`, JSON.stringify({ count: 1 }), {
    headers: { 'content-type': 'application/json' },
    timeout: '2s',
  });
  check(res, {
    launched: (r) => r.status === 200,
    'not the capacity lie': (r) => r.status !== 503,
  });
}
