/**
 * Orders extension version strings the way people read them: numeric dotted segments compare as
 * numbers (`1.10` > `1.9`), missing segments count as zero (`1.4` = `1.4.0`), and a pre-release
 * tag sorts before its release (`0.1.0-beta.27` < `0.1.0`). Returns -1, 0 or 1.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const left = tokens(a);
  const right = tokens(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    let x = left[i];
    let y = right[i];
    // A side that ran out is padded with 0 against a number; against a word (a pre-release
    // tag such as `beta`) it is the release, which is newer.
    if (x === undefined) {
      if (typeof y === 'string') return 1;
      x = 0;
    }
    if (y === undefined) {
      if (typeof x === 'string') return -1;
      y = 0;
    }
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'number') {
      return 1; // `1.0.1` > `1.0.beta`
    } else if (typeof y === 'number') {
      return -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function tokens(version: string): (number | string)[] {
  return (version.toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((t) => (/^\d/.test(t) ? Number(t) : t));
}
