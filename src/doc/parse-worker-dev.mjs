// Worker entry when running from the TypeScript sources (tsx, vitest): the
// worker thread starts without the parent's loaders, so register tsx here
// and then load the real worker. Built code (dist/) uses parse-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
