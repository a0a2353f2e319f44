/**
 * A page's browser script: TypeScript (type-checked with the DOM by tsconfig.browser.json),
 * bundled with its imports (uPlot) by esbuild into one inline script, once per process. The
 * pages need nothing from outside (their Content-Security-Policy forbids it). esbuild is loaded
 * only when a page is rendered — by the harness, never in a Kubernetes pod, whose bundled CLI
 * does not carry it.
 */
import { createRequire } from 'node:module';

const cache = new Map<string, string>();
const load = createRequire(import.meta.url);

export function browserScript(entry: string): string {
  let js = cache.get(entry);
  if (js === undefined) {
    const { buildSync } = load('esbuild') as typeof import('esbuild');
    const out = buildSync({ entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', write: false, minify: true, legalComments: 'none', logLevel: 'error' });
    js = out.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script');
    cache.set(entry, js);
  }
  return js;
}
