/**
 * The layers of outage-lab, and the imports that may cross them (checked by `npm run depcruise`,
 * which the test command runs). A module may import its own layer and the layers below it:
 *
 *   core (errors, paths, seeded randomness, the lab's settings model, the event catalogue)
 *   topology (addresses, ports, links, the run folder's layout)
 *   dns, monitoring (configuration rendered from the topology: Corefile and zones, Prometheus)
 *   services (the stand-ins; each one its own app: only services/common and the shared
 *            protocol modules at services/ are shared, never another service's folder)
 *   lab (runtimes, tools, Toxiproxy: starting and stopping a lab)
 *   loadtests (the load generators)
 *   user-services (a user's own service: its service file, how it starts, its workload)
 *   chaos (the experiment pipeline)
 *   game, then console (a played game, then its console)
 *   kubernetes (runs chaos's campaigns as Jobs)
 *   cli, bin, scripts (the commands, on top of everything)
 *
 * Tests may import across layers (they exercise the whole), but not create cycles.
 */
const LAYERS = ['core', 'topology', 'dns|monitoring', 'services', 'lab', 'loadtests', 'user-services', 'chaos', 'game', 'console', 'kubernetes', 'cli|bin|scripts'];

const above = (i) => `^(${LAYERS.slice(i + 1).join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: move what both need into a file that imports neither.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `no-upward-from-${layer.split('|')[0]}`,
      severity: 'error',
      comment: `${layer} sits below ${LAYERS.slice(i + 1).join(', ')}: it may not import them (move the shared piece down, or pass it in).`,
      from: { path: `^(${layer})/`, pathNot: '\\.test\\.ts$' },
      to: { path: above(i) },
    })),
    {
      name: 'no-service-internals',
      severity: 'error',
      comment: "A service talks to another through its protocol, not its code: import services/common or services/*.ts, never another service's folder.",
      from: { path: '^services/([^/]+)/', pathNot: ['^services/common/', '\\.test\\.ts$'] },
      to: { path: '^services/([^/]+)/', pathNot: ['^services/common/', '^services/$1/'] },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports and that is not an entry point or a test is dead code.',
      from: { orphan: true, pathNot: ['\\.test\\.ts$', '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$', '\\.d\\.ts$', '(^|/)(main|index)\\.ts$', '^(bin|scripts)/', '^vitest\\.', '^services/fleet/', 'client\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.tools|\\.lab|reports|docs|tools|compose|testdata)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs'] },
  },
};
