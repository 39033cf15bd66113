/**
 * The privacy floor counted in owners (issue 40), pure: five wallets of one owner are one person's choices. Every
 * figure beyond the public tallies describes a group of ballots (the owner tally differs from the wallet tally only
 * by the ballots of owners with several voting wallets; a tally without insiders differs from the full one by the
 * conflicted ballots; each after-the-vote row is its own group). One function decides, for every output, which of
 * them may be shown.
 */

/** Fewest owners a group of ballots needs before a figure describes it. */
export const OWNER_FLOOR = 5;

/** A verified ballot: its wallet's owner and the options it chose. */
export interface FloorBallot {
  owner: string;
  optionIds: readonly string[];
}

/**
 * Whether a figure may describe these ballots: at least OWNER_FLOOR owners, and not every ballot chose one same
 * option (a unanimous group tells each member's choice).
 */
export function describable(group: readonly FloorBallot[]): boolean {
  if (new Set(group.map((b) => b.owner)).size < OWNER_FLOOR) return false;
  const [first, ...rest] = group;
  if (!first) return false;
  return !first.optionIds.some((id) => rest.every((b) => b.optionIds.includes(id)));
}

/** A figure and the ballots it describes, by their index in the poll's ballots. */
export interface FloorFigure {
  id: string;
  group: readonly number[];
  /** Shown whatever its group (the public tallies): it still counts when differences are checked. */
  always?: boolean;
}

/** Whether every member of `inner` is in `outer` and `outer` has more. */
function strictlyWithin(inner: ReadonlySet<number>, outer: ReadonlySet<number>): boolean {
  if (inner.size >= outer.size) return false;
  for (const i of inner) if (!outer.has(i)) return false;
  return true;
}

/**
 * The figures that may be shown, in the order given (earlier ones first, so put the more useful first): each one's
 * group is describable, and where one shown figure's group lies within another's, what the larger adds is empty
 * or describable too, so subtracting one figure from another tells nothing the floor hides. A figure that would
 * break either rule is left out, and its output says "fewer than 5 owners". With `publicBallots` every figure is
 * shown: the ballots are public anyway.
 */
export function shownFigures(
  ballots: readonly FloorBallot[],
  figures: readonly FloorFigure[],
  { publicBallots = false }: { publicBallots?: boolean } = {},
): Set<string> {
  if (publicBallots) return new Set(figures.map((f) => f.id));
  const shown: { id: string; group: Set<number> }[] = [];
  const ballotsOf = (indices: Iterable<number>): FloorBallot[] => [...indices].flatMap((i) => ballots[i] ?? []);
  const ordered = [...figures.filter((f) => f.always), ...figures.filter((f) => !f.always)];
  for (const figure of ordered) {
    const group = new Set(figure.group);
    if (!figure.always && !describable(ballotsOf(group))) continue;
    const safe = shown.every((other) => {
      const [inner, outer] = strictlyWithin(group, other.group)
        ? [group, other.group]
        : strictlyWithin(other.group, group)
          ? [other.group, group]
          : [null, null];
      if (!inner || !outer) return true;
      return describable(ballotsOf([...outer].filter((i) => !inner.has(i))));
    });
    if (figure.always || safe) shown.push({ id: figure.id, group });
  }
  return new Set(shown.map((s) => s.id));
}
