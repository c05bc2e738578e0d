import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plans } from '../../src/chat/context.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { Ledger } from '../../src/plan/schema.js';
import { PlanIndex } from '../../src/search/index.js';
import { UnitDirectory } from '../../src/units/directory.js';

const seedsDir = fileURLToPath(new URL('../../seeds/', import.meta.url));

/** The bundled seeds as `npm start` loads them: every seeds/*.txt, and seeds/units.yaml when present. */
export function seedPlans(): Plans {
  const files = readdirSync(seedsDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const ledger: Ledger = { documents: files.map((f) => parsePlan(readFileSync(seedsDir + f), f)) };
  const unitsFile = seedsDir + 'units.yaml';
  const units = existsSync(unitsFile) ? UnitDirectory.fromYaml(readFileSync(unitsFile, 'utf8')) : UnitDirectory.empty();
  return { ledger, index: PlanIndex.build(ledger, units), units };
}
