import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDirForTests } from './runner';

/** The shared real data folder, or undefined (tests that need it then skip visibly). */
export const realDataDir = (() => {
  const d = dataDirForTests();
  return d && fs.existsSync(path.join(d, 'daily-min-temperatures.csv')) ? d : undefined;
})();
