/** The layers, lowest first; folders on one layer stay apart. */
export const LAYERS: string[][];
/** Every relative module specifier of a source file. */
export function specifiers(source: string): string[];
/** The imports that break the layering, one line each. */
export function upwardImports(root: string): string[];
