import { findPatroni, patroniDirectory } from '../../scenarios/patroni/patroni-executable.js';

/** The patroni executable scripts/patroni.sh installed (run by scripts/test-deps.sh), or an error saying how to get it. */
export function patroniPath(): string {
  try {
    return findPatroni();
  } catch {
    throw new Error(`Patroni is not installed (nothing under ${patroniDirectory()}): run scripts/patroni.sh first`);
  }
}

/** Whether Patroni is installed; tests skip without it, and say so in their names. */
export function patroniReady(): boolean {
  try {
    patroniPath();
    return true;
  } catch {
    return false;
  }
}
