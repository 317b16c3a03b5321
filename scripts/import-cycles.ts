// Fails when modules under src/ import each other in a circle, or when the folders do (a module
// of cli/ importing from commands/ while commands/ imports cli/): the folders stack up in floors,
// and every arrow between them runs down. A cycle means two modules that
// cannot be understood, tested or loaded one without the other, and with esbuild's lazy
// wrappers it decides which one sees the other half-initialised. Static and dynamic imports
// both count (a lazy import() still ties the two together); type-only imports do not, since
// they vanish at run time.
//
//   node_modules/.bin/node scripts/import-cycles.ts [DIR]      (default: src)
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { sources } from './lib/sources.ts';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, process.argv[2] ?? 'src');

// `import x, { y } from '…'`, `export { y } from '…'`, `export * from '…'`, `import '…'`,
// `import('…')`; the clause is kept to tell type-only imports apart.
const STATIC = /^\s*(import|export)\s+([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function typeOnly(keyword: string, clause: string): boolean {
  if (/^type\s/.test(clause)) return true;
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!braces || keyword === 'export') return false;
  const names = (braces[1] as string)
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

/** Module → the modules under `dir` it imports at run time. */
export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    // Comments could hold example imports; strip them first (strings rarely look like imports).
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const targets = new Set<string>();
    for (const m of text.matchAll(STATIC)) {
      const spec = m[3] ?? m[4];
      if (!spec?.startsWith('.') || (m[1] && typeOnly(m[1], m[2] ?? ''))) continue;
      targets.add(resolve(dirname(file), spec));
    }
    for (const m of text.matchAll(DYNAMIC)) if (m[1]?.startsWith('.')) targets.add(resolve(dirname(file), m[1]));
    graph.set(
      file,
      [...targets].filter((t) => files.includes(t)),
    );
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One path around the component, for a message a person can follow. */
function loop(graph: Map<string, string[]>, component: string[]): string[] {
  const inside = new Set(component);
  const start = component[0] as string;
  const seen = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(seen.get(path[0] as string) as string);
        return [...path, start];
      }
      if (!seen.has(w)) {
        seen.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

/** The same graph between folders (a file directly under `top` is a room of its own). */
export function roomGraph(graph: Map<string, string[]>, top: string): Map<string, string[]> {
  const room = (file: string) => relative(top, file).split(sep)[0] as string;
  const rooms = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = rooms.get(room(file)) ?? new Set<string>();
    rooms.set(room(file), from);
    for (const t of targets) if (room(t) !== room(file)) from.add(room(t));
  }
  return new Map([...rooms].map(([r, targets]) => [r, [...targets]]));
}

if (import.meta.main) {
  const graph = importGraph(sources(dir));
  const found = cycles(graph);
  const rooms = roomGraph(graph, dir);
  const roomCycles = cycles(rooms);
  const show = (f: string) => relative(root, f);
  if (found.length === 0 && roomCycles.length === 0) {
    process.stdout.write(
      `import-cycles: ${graph.size} modules in ${rooms.size} folders under ${show(dir)}, no import cycle between modules or folders\n`,
    );
  } else {
    for (const c of found) process.stderr.write(`import cycle: ${loop(graph, c).map(show).join(' -> ')}\n`);
    for (const c of roomCycles) process.stderr.write(`folder cycle: ${loop(rooms, c).join(' -> ')}\n`);
    process.stderr.write(
      `import-cycles: ${found.length + roomCycles.length} cycle(s); break them (move the shared part into a leaf module, or down a floor)\n`,
    );
    process.exit(1);
  }
}
