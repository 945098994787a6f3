import { SYMBOL_KINDS } from "../index/types";
import type { Unit } from "./types";

/**
 * Flat forms of the retrieval index's tables for persistence. Deserializing a
 * few typed arrays and one joined string costs next to nothing, where tens of
 * thousands of small objects, arrays and maps take most of a restore.
 */

const SEP = "\u0000";

export function packStrings(list: readonly string[]): string {
  return list.join(SEP);
}

export function unpackStrings(packed: string): string[] {
  return packed === "" ? [] : packed.split(SEP);
}

/** Lists of ids: list i is `items[offsets[i] .. offsets[i + 1])`. */
export interface PackedLists {
  offsets: Uint32Array;
  items: Uint32Array;
}

export function packLists(lists: Iterable<ArrayLike<number>>): PackedLists {
  const all = [...lists];
  const offsets = new Uint32Array(all.length + 1);
  let n = 0;
  all.forEach((l, i) => {
    offsets[i] = n;
    n += l.length;
  });
  offsets[all.length] = n;
  const items = new Uint32Array(n);
  all.forEach((l, i) => items.set(l, offsets[i]));
  return { offsets, items };
}

export function unpackList(packed: PackedLists, i: number): number[] {
  return Array.from(listView(packed, i));
}

/** List i in place, without a copy. */
export function listView(packed: PackedLists, i: number): Uint32Array {
  return packed.items.subarray(packed.offsets[i]!, packed.offsets[i + 1]!);
}

const KINDS: readonly Unit["kind"][] = ["block", ...SYMBOL_KINDS];

/** Units as columns; file and name are indexes into de-duplicated string tables. */
export interface PackedUnits {
  files: string;
  names: string;
  file: Uint32Array;
  name: Uint32Array;
  kind: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
  signatureEnd: Uint32Array;
  /** 0 when the unit has no docstring. */
  docStart: Uint32Array;
  docEnd: Uint32Array;
}

export function packUnits(units: readonly Unit[]): PackedUnits {
  const n = units.length;
  const fileIds = new Map<string, number>();
  const nameIds = new Map<string, number>();
  const idOf = (m: Map<string, number>, s: string) => {
    let id = m.get(s);
    if (id === undefined) m.set(s, (id = m.size));
    return id;
  };
  const p: PackedUnits = {
    files: "",
    names: "",
    file: new Uint32Array(n),
    name: new Uint32Array(n),
    kind: new Uint8Array(n),
    start: new Uint32Array(n),
    end: new Uint32Array(n),
    signatureEnd: new Uint32Array(n),
    docStart: new Uint32Array(n),
    docEnd: new Uint32Array(n),
  };
  units.forEach((u, i) => {
    p.file[i] = idOf(fileIds, u.file);
    p.name[i] = idOf(nameIds, u.name);
    p.kind[i] = KINDS.indexOf(u.kind);
    p.start[i] = u.start;
    p.end[i] = u.end;
    p.signatureEnd[i] = u.signatureEnd;
    if (u.doc) {
      p.docStart[i] = u.doc.start;
      p.docEnd[i] = u.doc.end;
    }
  });
  p.files = packStrings([...fileIds.keys()]);
  p.names = packStrings([...nameIds.keys()]);
  return p;
}

export function unpackUnits(p: PackedUnits): Unit[] {
  const files = unpackStrings(p.files);
  const names = unpackStrings(p.names);
  const units: Unit[] = new Array<Unit>(p.start.length);
  for (let i = 0; i < units.length; i++) {
    const u: Unit = {
      file: files[p.file[i]!]!,
      start: p.start[i]!,
      end: p.end[i]!,
      name: names[p.name[i]!]!,
      kind: KINDS[p.kind[i]!]!,
      signatureEnd: p.signatureEnd[i]!,
    };
    if (p.docStart[i]! > 0) u.doc = { start: p.docStart[i]!, end: p.docEnd[i]! };
    units[i] = u;
  }
  return units;
}
