/**
 * The one check of pricing nodes given by a user (`OASIS_NODES` and the backfill's `--nodes` through the
 * config, `node` / `nodes` of the library connector): `ALL` and `ALL_APNODES` pass as a group, a list is
 * trimmed and deduplicated, and must not be empty nor hold a name that could not go into a request URL.
 *
 * @module
 */
import { type GroupType, NODE_NAME } from "../oasis/datasets.ts";
import type { NodeSelection } from "../oasis/windows.ts";

/** A node list that is empty or holds something that is not a node name. */
export class NodeListError extends RangeError {
  /** The first name that is not a node name, or null when the list is empty. */
  readonly node: string | null;
  /** The problem without the caller's wording, e.g. `"A;B" is not a node name`, for a config error. */
  readonly detail: string;

  constructor(node: string | null) {
    super(node === null ? "Invalid nodes: the list is empty" : `Invalid node "${node}"`);
    this.name = "NodeListError";
    this.node = node;
    this.detail = node === null ? "the list is empty" : `"${node}" is not a node name`;
  }
}

/** The node selection of `given`; throws `NodeListError` for an empty list or a bad name. */
export function nodeSelection(given: readonly string[] | GroupType): NodeSelection {
  if (given === "ALL" || given === "ALL_APNODES") return { grpType: given };
  const list = [...new Set(given.map((n) => n.trim()))];
  if (list.length === 0) throw new NodeListError(null);
  const bad = list.find((n) => !NODE_NAME.test(n));
  if (bad !== undefined) throw new NodeListError(bad);
  return { nodes: list };
}
