/**
 * Real code from the user's repository for the calibration probe: lines from
 * files spread evenly over the (sorted) file list, so the haystack looks like
 * what will be scored, not like one corner of the repository.
 */
export function haystackLines(files: ReadonlyMap<string, readonly string[]>, maxLines = 4000): string[] {
  const paths = [...files.keys()].sort();
  const out: string[] = [];
  const step = Math.max(1, Math.floor(paths.length / 16));
  for (let i = 0; i < paths.length && out.length < maxLines; i += step) {
    const lines = files.get(paths[i]!)!;
    for (const line of lines.slice(0, 300)) {
      if (out.length >= maxLines) break;
      out.push(line);
    }
  }
  return out;
}
