import { checkEnactors } from './services/enactor/model-check.ts';
for (const [sg, en, gen, eps] of [[false,2,4,2],[true,2,4,2],[true,2,5,2],[true,3,4,2],[true,2,4,1]] as const) {
  const r = await checkEnactors({ enactors: en, generations: gen, endpoints: eps, keepGenerations: 1, safeguards: sg, maxStates: 3_000_000 });
  console.log(sg, en, gen, eps, r.statesExplored, r.complete, Math.round(r.elapsedMs), r.violation?.message);
  if (r.violation) console.log(r.violation.trace.join('\n'));
}
