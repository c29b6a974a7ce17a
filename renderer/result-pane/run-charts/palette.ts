/**
 * The charts' colours, from the Okabe–Ito set: within each chart every pair stays apart for protanopia, deuteranopia
 * and tritanopia (a test simulates each); failed and removed, which looked alike, no longer share a hue. Each colour
 * is named in its chart's legend and in every bar's title, so colour is never the only way to tell.
 */
export const OUTCOME_COLOURS = { succeeded: '#009e73', failed: '#d55e00', cancelled: '#000000', interrupted: '#f0e442' } as const;
export const CHANGE_COLOURS = { new: '#0072b2', modified: '#e69f00', expired: '#56b4e9', removed: '#000000' } as const;
export const RUNNING_COLOUR = '#999999';
/** Around every bar, so the yellow of an interrupted run holds against white. */
export const BAR_OUTLINE = '#4d4d4d';
