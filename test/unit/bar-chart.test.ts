// The server-drawn bar chart: each bar as tall as its value on the scale (read back from the SVG's own
// attributes), an image with a name and a description, nothing the pages' CSP would block.
import { barChart, PLOT_HEIGHT, scaleTop, type ChartBar } from '../../src/views/templates/bar-chart.js';

type Attributes = Record<string, string>;

/** The start tags named `name` in `markup`, with their attributes (the chart writes double-quoted values). */
function tags(markup: string, name: string): Attributes[] {
  return [...markup.matchAll(new RegExp(`<${name}\\b([^>]*?)/?>`, 'g'))].map((match) =>
    Object.fromEntries([...match[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

const draw = (bars: ChartBar[]) =>
  barChart({ id: 'chart-logins', title: 'Connexions par mois', description: 'Un mois par barre', bars }).toString();

describe('the bar chart', () => {
  const bars = [
    { label: 'janv. 26', value: 0 },
    { label: 'févr. 26', value: 7 },
    { label: 'mars 26', value: 23 },
    { label: 'avr. 26', value: 3 },
  ];

  it("draws one bar per figure, each as tall as its value over the scale's top times the plot's height", () => {
    const svg = draw(bars);
    const [root] = tags(svg, 'svg');
    const top = Number(root!['data-scale-top']);
    expect(Number(root!['data-plot-height'])).toBe(PLOT_HEIGHT);
    expect(top).toBeGreaterThanOrEqual(23);
    const rects = tags(svg, 'rect');
    expect(rects.map((r) => [unescape(r['data-label']!), Number(r['data-value'])])).toEqual(bars.map((b) => [b.label, b.value]));
    for (const rect of rects) {
      expect(Number(rect.height)).toBeCloseTo((Number(rect['data-value']) / top) * PLOT_HEIGHT, 1);
    }
    // Proportional to one another: 23 is 23/7 times as tall as 7; an empty month has no height at all.
    const [empty, seven, most] = rects.map((r) => Number(r.height));
    expect(empty).toBe(0);
    expect(most! / seven!).toBeCloseTo(23 / 7, 2);
    expect(most).toBeLessThanOrEqual(PLOT_HEIGHT);
  });

  it('stands every bar on the same baseline, left to right in the order given', () => {
    const rects = tags(draw(bars), 'rect');
    const bottoms = rects.map((r) => Number(r.y) + Number(r.height));
    expect(new Set(bottoms.map((b) => b.toFixed(1))).size).toBe(1);
    const xs = rects.map((r) => Number(r.x));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('is one image named by its title and described by its description', () => {
    const svg = draw(bars);
    const [root] = tags(svg, 'svg');
    expect(root).toMatchObject({ role: 'img', 'aria-labelledby': 'chart-logins-title', 'aria-describedby': 'chart-logins-desc' });
    expect(svg).toContain('<title id="chart-logins-title">Connexions par mois</title>');
    expect(svg).toContain('<desc id="chart-logins-desc">Un mois par barre</desc>');
  });

  it('carries no style attribute, style element or script, which the CSP would block', () => {
    const svg = draw(bars);
    expect(svg).not.toMatch(/\sstyle=|<style|<script|\son\w+=/i);
    expect(tags(svg, 'rect').every((r) => /^#[0-9a-f]{6}$/.test(r.fill ?? ''))).toBe(true);
  });

  it('escapes labels and names', () => {
    const svg = barChart({ id: 'c', title: '<b>x</b>', description: 'a & b', bars: [{ label: '"><script>', value: 1 }] }).toString();
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('keeps a grid and zero-height bars for a chart with nothing to count', () => {
    const rects = tags(draw([{ label: 'mars 26', value: 0 }]), 'rect');
    expect(rects.map((r) => r.height)).toEqual(['0']);
    expect(scaleTop(0)).toBe(4);
  });

  it.each([
    [0, 4],
    [3, 4],
    [4, 4],
    [5, 8],
    [9, 12],
    [23, 24],
    [81, 100],
    [1234, 1600],
  ])('tops the scale of a largest figure of %i at %i (four round steps)', (max, top) => {
    expect(scaleTop(max)).toBe(top);
  });
});
