import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The Chart.js UMD bundle as text, to inline in the page (which loads nothing from the network).
 * Found from the installed package wherever this module runs from (sources or the built dist/);
 * its `exports` do not list the bundle, so it is found beside the package's main file.
 */
export function chartJsBundle(): string {
  if (cached === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    cached = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8')
      // The page has no source map beside it: a browser's developer tools would try to fetch one.
      .replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n')
      // Inside a script element the text must not close it; in JavaScript `<\/` means `</`.
      .replace(/<\/(script)/gi, '<\\/$1');
  }
  return cached;
}
