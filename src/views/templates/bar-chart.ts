// A bar chart drawn on the server as inline SVG: no script, and no style attribute or element (the pages'
// CSP allows stylesheets of our own origin only), so colours and fonts are SVG presentation attributes.
// Each bar's height is its value over the scale's top times the plot's height; the bar carries its value
// (data-value) so that a test, or a reader of the source, can check the drawing against the figures. The
// chart is one image with a name and a description; the page puts a table of the same figures beside it.
import { html, type SafeHtml } from '../html.js';

export interface ChartBar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  description: string;
  bars: readonly ChartBar[];
}

export const CHART_GEOMETRY = { width: 640, height: 260, left: 44, right: 8, top: 24, bottom: 36 } as const;
export const PLOT_HEIGHT = CHART_GEOMETRY.height - CHART_GEOMETRY.top - CHART_GEOMETRY.bottom;
const TICKS = 4;
// The brand's blue (glc.css --accent) on white: 8.3:1, beyond the 3:1 that WCAG 1.4.11 asks of graphics.
const BAR_FILL = '#0b4f9c';
const TEXT_FILL = '#1b1b1b';
const GRID_STROKE = '#9aa1ab';

/** Two decimals are plenty on a 640-unit drawing, and keep the attributes short. */
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The top of the scale: four equal steps of a round size (1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten,
 * whole numbers only since the figures are counts), the smallest that holds `max`; 4 for an empty chart,
 * so that its grid still reads 0 1 2 3 4.
 */
export function scaleTop(max: number): number {
  const wanted = Math.max(max, 1) / TICKS;
  const power = 10 ** Math.floor(Math.log10(wanted));
  const step = [1, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => Math.max(1, Math.ceil(m * power))).find((s) => s >= wanted) ?? 10 * power;
  return step * TICKS;
}

/** A bar's height in the drawing's units. */
export const barHeight = (value: number, top: number) => round((Math.max(0, value) / top) * PLOT_HEIGHT);

export function barChart(options: BarChartOptions): SafeHtml {
  const { width, height, left, right, top: marginTop } = CHART_GEOMETRY;
  const top = scaleTop(Math.max(0, ...options.bars.map((b) => b.value)));
  const baseline = marginTop + PLOT_HEIGHT;
  const band = (width - left - right) / Math.max(1, options.bars.length);
  const barWidth = round(band * 0.62);
  const ticks = Array.from({ length: TICKS + 1 }, (_, i) => (top / TICKS) * i);
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${options.id}-title" aria-describedby="${options.id}-desc" data-scale-top="${top}" data-plot-height="${PLOT_HEIGHT}" font-family="sans-serif">
<title id="${options.id}-title">${options.title}</title>
<desc id="${options.id}-desc">${options.description}</desc>
${ticks.map((tick) => {
  const y = round(baseline - (tick / top) * PLOT_HEIGHT);
  return html`<line x1="${left}" y1="${y}" x2="${width - right}" y2="${y}" stroke="${GRID_STROKE}" stroke-width="${tick === 0 ? 1.5 : 0.5}"/><text x="${left - 6}" y="${round(y + 4)}" text-anchor="end" font-size="12" fill="${TEXT_FILL}">${tick}</text>`;
})}
${options.bars.map((bar, i) => {
  const h = barHeight(bar.value, top);
  const x = round(left + band * i + (band - barWidth) / 2);
  const middle = round(x + barWidth / 2);
  return html`<rect class="bar" x="${x}" y="${round(baseline - h)}" width="${barWidth}" height="${h}" fill="${BAR_FILL}" data-label="${bar.label}" data-value="${bar.value}"/><text x="${middle}" y="${round(baseline - h - 4)}" text-anchor="middle" font-size="12" fill="${TEXT_FILL}">${bar.value}</text><text x="${middle}" y="${baseline + 18}" text-anchor="middle" font-size="11" fill="${TEXT_FILL}">${bar.label}</text>`;
})}
</svg>`;
}
