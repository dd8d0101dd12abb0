/**
 * Espruino's built-in modules by name, or undefined where the board (or the simulator) has none: a board
 * without Wifi, an emulator without `tls`. Feature detection instead of a crash at boot (DESIGN §9).
 *
 * The name is a parameter on purpose: the bundler leaves a non-literal `require` alone, so the call reaches the
 * interpreter's own `require` at run time.
 */
export function loadModule(name: string): any {
  try {
    return require(name);
  } catch (error) {
    return undefined;
  }
}
