/** A horizontal bar chart as a standalone SVG (no external tools), with an optional limit line. */
export function barChart(options: { title: string; unit: string; bars: Array<{ label: string; value: number }>; limit?: number }): string {
  const { title, unit, bars, limit } = options;
  const labelWidth = 170;
  const chartWidth = 460;
  const rowHeight = 22;
  const top = 40;
  const max = Math.max(limit ?? 0, ...bars.map((b) => b.value)) * 1.1 || 1;
  const x = (value: number) => labelWidth + (value / max) * chartWidth;
  const height = top + bars.length * rowHeight + 30;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = bars.map((b, i) => {
    const y = top + i * rowHeight;
    const over = limit !== undefined && b.value > limit;
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${(x(b.value) - labelWidth).toFixed(1)}" height="${rowHeight - 6}" fill="${over ? '#c0392b' : '#2e86c1'}"/>`,
      `<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 15}">${b.value.toFixed(1)} ${esc(unit)}</text>`,
    ].join('');
  });
  const limitLine =
    limit === undefined
      ? ''
      : `<line x1="${x(limit).toFixed(1)}" y1="${top - 4}" x2="${x(limit).toFixed(1)}" y2="${height - 22}" stroke="#555" stroke-dasharray="4 3"/><text x="${x(limit).toFixed(1)}" y="${height - 8}" text-anchor="middle">limit ${limit} ${esc(unit)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + chartWidth + 110}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...rows,
    limitLine,
    '</svg>',
    '',
  ].join('\n');
}
