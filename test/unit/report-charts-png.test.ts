import { afterEach, describe, expect, it, vi } from 'vitest';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/runs/logical-bluegreen', import.meta.url));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The part of the native `canvas` module used to read the PNGs back (optional, like the renderer). */
interface CanvasModule {
  loadImage(source: Buffer): Promise<{ width: number; height: number }>;
  createCanvas(width: number, height: number): {
    getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
  };
}
const canvasSpecifier = 'canvas';
const canvas = (await import(canvasSpecifier).catch(() => undefined)) as CanvasModule | undefined;

const dirs: string[] = [];
afterEach(async () => {
  vi.doUnmock('chartjs-node-canvas');
  vi.resetModules();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function fixtureCopy(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cutover-charts-png-'));
  dirs.push(d);
  await cp(FIXTURE, d, { recursive: true });
  return d;
}

/** Pixels of the plot area (inside the axes): not white (bands), of a series' colour, of an outage band. */
async function plotPixels(file: string, series: string): Promise<{ width: number; height: number; tinted: number; line: number; total: number; outage: number }> {
  const [sr, sg, sb] = [1, 3, 5].map((i) => parseInt(series.slice(i, i + 2), 16));
  const image = await canvas!.loadImage(await readFile(file));
  const c = canvas!.createCanvas(image.width, image.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(image, 0, 0);
  // Inside the axes of a 1200x400 chart: right of the y axis, between the title and the x axis.
  const x0 = 100;
  const y0 = 36;
  const w = image.width - 140;
  const h = image.height - 36 - 82;
  const { data } = ctx.getImageData(x0, y0, w, h);
  let tinted = 0;
  let line = 0;
  let outage = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (r < 250 || g < 250 || b < 250) tinted++;
    if (Math.abs(r - sr!) + Math.abs(g - sg!) + Math.abs(b - sb!) < 60) line++;
    // rgba(220, 38, 38, 0.35) over white, whatever step band lies under it.
    if (r > 225 && g > 150 && g < 200 && b > 150 && b < 210 && r - g > 40) outage++;
  }
  return { width: image.width, height: image.height, tinted, line, total: w * h, outage };
}

describe.skipIf(!canvas)('PNG charts (skipped: the optional native canvas module does not load here)', () => {
  it('writes charts/<name>.png for the four charts: real PNGs, drawn, with the outage band', async () => {
    const { writePngCharts } = await import('../../reports/charts/index.js');
    const dir = await fixtureCopy();
    const result = await writePngCharts(dir);
    expect(result.note).toBeUndefined();
    expect(result.files).toEqual(['charts/throughput.png', 'charts/latency.png', 'charts/schedule-lag.png', 'charts/replication-lag.png']);
    // The colour of each chart's first series (reports/charts/chart-configs.ts).
    const colours = ['#64748b', '#2563eb', '#0d9488', '#7c3aed'];
    for (const [k, file] of result.files.entries()) {
      const path = join(dir, file);
      const bytes = await readFile(path);
      expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), file).toBe(true);
      expect((await stat(path)).size, file).toBeGreaterThan(10_000);
      const px = await plotPixels(path, colours[k]!);
      expect([px.width, px.height]).toEqual([1200, 400]);
      // The step bands tint most of the plot area, and the series is drawn on it.
      expect(px.tinted / px.total, file).toBeGreaterThan(0.5);
      expect(px.line, file).toBeGreaterThan(300);
      expect(px.line / px.total, file).toBeLessThan(0.2);
      // The 77 ms outage of the switchover shows on every chart (schedule lag's line is teal, not red).
      expect(px.outage, file).toBeGreaterThan(100);
    }
  });

  it('a run without a timeline or replication writes no PNG and says why', async () => {
    const { writePngCharts } = await import('../../reports/charts/index.js');
    const dir = await fixtureCopy();
    await rm(join(dir, 'timeline.ndjson'));
    await rm(join(dir, 'replication-lag.ndjson'));
    expect(await writePngCharts(dir)).toEqual({ files: [], note: 'PNG charts not rendered: nothing to chart in this run' });
  });
});

describe('PNG charts without chartjs-node-canvas', () => {
  it('returns a note naming the missing module and its native needs instead of throwing', async () => {
    vi.resetModules();
    vi.doMock('chartjs-node-canvas', () => {
      throw new Error("Cannot find module 'chartjs-node-canvas'");
    });
    const { writePngCharts } = await import('../../reports/charts/index.js');
    const dir = await fixtureCopy();
    const result = await writePngCharts(dir);
    expect(result.files).toEqual([]);
    expect(result.note).toMatch(/^PNG charts not rendered: the optional module chartjs-node-canvas is not installed.*cairo and pango/);
    await expect(stat(join(dir, 'charts'))).rejects.toThrow();
  });
});
