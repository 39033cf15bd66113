/**
 * A 5×5 mirrored identicon as SVG markup, derived from the address alone, so
 * every reader sees the same picture for the same wallet. Pure; the output
 * holds only numbers and fixed strings (nothing from the address verbatim).
 */
export function identiconSvg(address: string, size = 24): string {
  const hex = address.toLowerCase().replace(/^0x/, '').padEnd(40, '0');
  const byte = (i: number): number => parseInt(hex.slice((i * 2) % 40, ((i * 2) % 40) + 2), 16) || 0;
  const hue = Math.round((byte(0) / 255) * 360);
  const cells: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      if (byte(1 + row * 3 + col) % 2 === 0) continue;
      for (const x of new Set([col, 4 - col])) cells.push(`<rect x="${x}" y="${row}" width="1" height="1"/>`);
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5" width="${size}" height="${size}" aria-hidden="true" ` +
    `shape-rendering="crispEdges" style="background:hsl(${hue} 40% 92%);border-radius:4px">` +
    `<g fill="hsl(${hue} 55% 38%)">${cells.join('')}</g></svg>`
  );
}
