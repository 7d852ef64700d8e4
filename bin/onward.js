#!/usr/bin/env node
// The `onward` command. Node 24 runs the TypeScript sources directly (type stripping).
import './require-node.js';

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
