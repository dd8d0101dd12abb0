#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx so that the command runs straight from a clone.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
