/**
 * F6 / Shift+F6 move between the console's panes as in MMC: tree, result pane, update details, log. Each pane takes
 * focus at the element it would give on a Tab: the selected tree item, the grid, the log lines.
 */
const PANES = ['.tree-pane', '.result-pane .pane-body', '.update-details', '.log-pane'];

/** Where in a pane the focus goes, in order of preference: its tree item, grid or log lines, else its first control. */
const ENTRY = [
  '[role="treeitem"][tabindex="0"]',
  '[role="grid"][tabindex="0"]',
  '.log-lines[tabindex="0"]',
  '[tabindex="0"], button:not([disabled]), input, a[href]',
];

export function cyclePanes(root: ParentNode, direction: 1 | -1): boolean {
  const panes = PANES.map((selector) => root.querySelector<HTMLElement>(selector)).filter(
    (pane): pane is HTMLElement => pane !== null && pane.getClientRects().length > 0 && entryOf(pane) !== undefined,
  );
  if (panes.length === 0) return false;
  const active = document.activeElement;
  // The innermost pane holding the focus (update details sit inside the result pane).
  const current = panes.reduce((found, pane, index) => (active !== null && pane.contains(active) ? index : found), -1);
  const next = panes[(current + direction + panes.length) % panes.length]!;
  entryOf(next)?.focus();
  return true;
}

function entryOf(pane: HTMLElement): HTMLElement | undefined {
  for (const selector of ENTRY) {
    const found = pane.querySelector<HTMLElement>(selector);
    if (found !== null) return found;
  }
  return pane.matches('[tabindex]') ? pane : undefined;
}
