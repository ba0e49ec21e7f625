import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartConfiguration } from 'chart.js';
import { errorLine } from '../../core/errors.js';
import { bandsPlugin } from './bands-plugin.js';
import { chartConfigs, type RunChart } from './chart-configs.js';
import { loadRunCharts, type RunCharts } from './run-charts.js';

/** What `writePngCharts` did: the files written (relative to the run directory) and, if some are missing, why. */
export interface PngChartsResult {
  files: string[];
  note?: string;
}

/** The part of chartjs-node-canvas used here (it is optional: its types may be absent too). */
interface NodeCanvasRenderer {
  renderToBuffer(configuration: ChartConfiguration, mimeType?: 'image/png'): Promise<Buffer>;
}
interface NodeCanvasModule {
  ChartJSNodeCanvas: new (options: { width: number; height: number; backgroundColour?: string }) => NodeCanvasRenderer;
}

const MISSING =
  'PNG charts not rendered: the optional module chartjs-node-canvas is not installed or its native canvas module does not load (it needs the cairo and pango development libraries to build)';

/**
 * Renders the run's charts to `charts/<name>.png` (white background) with chartjs-node-canvas,
 * for places that cannot run the page's scripts (CI summaries, mail). The module is optional:
 * without it (or without its native `canvas`), nothing is written and the note says why; a chart
 * that fails to render is named in the note too. Never throws for a chart.
 */
export async function writePngCharts(runDir: string, data?: RunCharts, o: { width?: number; height?: number; charts?: RunChart[] } = {}): Promise<PngChartsResult> {
  const charts = (o.charts ?? chartConfigs(data ?? (await loadRunCharts(runDir)))).filter((c) => c.config);
  if (!charts.length) return { files: [], note: 'PNG charts not rendered: nothing to chart in this run' };
  let renderer: NodeCanvasRenderer;
  try {
    // A specifier in a variable: the build must not need the optional module or its types.
    const specifier = 'chartjs-node-canvas';
    const mod = (await import(specifier)) as NodeCanvasModule & { default?: NodeCanvasModule };
    const { ChartJSNodeCanvas } = mod.ChartJSNodeCanvas ? mod : (mod.default ?? mod);
    renderer = new ChartJSNodeCanvas({ width: o.width ?? 1200, height: o.height ?? 400, backgroundColour: 'white' });
  } catch (error) {
    return { files: [], note: `${MISSING}: ${errorLine(error)}` };
  }
  await mkdir(join(runDir, 'charts'), { recursive: true });
  const files: string[] = [];
  const failed: string[] = [];
  const plugin = bandsPlugin();
  for (const chart of charts) {
    const config = structuredClone(chart.config!);
    config.options = { ...config.options, responsive: false, maintainAspectRatio: false, devicePixelRatio: 1 };
    try {
      const png = await renderer.renderToBuffer({ ...config, plugins: [plugin] } as ChartConfiguration, 'image/png');
      const file = join('charts', `${chart.name}.png`);
      await writeFile(join(runDir, file), png);
      files.push(file);
    } catch (error) {
      failed.push(`${chart.name} (${(error as Error).message})`);
    }
  }
  return failed.length ? { files, note: `PNG charts not rendered: ${failed.join('; ')}` } : { files };
}
