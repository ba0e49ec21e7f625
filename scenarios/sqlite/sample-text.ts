/** A seeded pseudo-random source (mulberry32): the sample is the same bytes on every run. */
export class SampleRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A version-4 UUID, lower case. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = (8 + this.int(0, 3)).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}

/**
 * Everyday words of a resource catalogue, some with accents and in other scripts. The topic words
 * (SAMPLE_TOPICS) are not among them: they are added on purpose, so that a full-text search for
 * one finds tens of rows, not half the table.
 */
export const SAMPLE_WORDS: readonly string[] = [
  'guide', 'notes', 'report', 'draft', 'review', 'summary', 'archive', 'dataset', 'lecture', 'handbook',
  'field', 'study', 'survey', 'chapter', 'appendix', 'recipe', 'map', 'letter', 'diary', 'catalogue',
  'river', 'mountain', 'city', 'harbour', 'garden', 'library', 'museum', 'school', 'market', 'bridge',
  'café', 'naïve', 'über', 'résumé', 'Zürich', 'São', 'Paulo', 'straße', 'données', 'smörgåsbord',
  '東京', 'データ', 'Ελλάδα', 'мир', 'عربي', 'kraków', 'œuvre', 'façade', 'jalapeño', 'fjord',
];

/** Words that appear in a small share of titles and bodies: what the full-text tests search for. */
export const SAMPLE_TOPICS: Readonly<Record<string, number>> = { postgres: 0.01, sqlite: 0.02, replication: 0.01, vacuum: 0.005 };

export const SAMPLE_TAGS: readonly string[] = [
  'history', 'science', 'travel', 'cooking', 'music', 'art', 'databases', 'maps', 'poetry', 'law',
  'médecine', 'économie', 'naturwissenschaft', '日本語', 'français', 'español', 'open-data', 'archives', 'teaching', 'research',
];

export const SAMPLE_NAMES: readonly string[] = ['Ada', 'Zoë', 'José', 'Łukasz', 'Ángela', 'Søren', 'Noémie', 'Chloé', 'Jürgen', 'Björk', '李雷', 'Olúwaseun', 'Anaïs', 'Mateo', 'Priya', 'Ðorđe'];

/** `count` words of the catalogue, each topic word added with its own chance. */
export function sampleSentence(random: SampleRandom, count: number): string {
  const words = Array.from({ length: count }, () => random.pick(SAMPLE_WORDS));
  for (const [topic, p] of Object.entries(SAMPLE_TOPICS)) if (random.chance(p)) words.splice(random.int(0, words.length), 0, topic);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
