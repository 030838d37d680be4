#!/usr/bin/env node
// The `parley` command as npm links it (`npx parley`). npm links a package's commands when it
// installs, before anything is built, and links none whose file is missing; so this committed file
// is the command, and it runs the built CLI, or says how to build it.
try {
  await import('../dist/bin.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/bin.js')) throw e;
  console.error('parley: the command is not built yet. Run `npm run build` (or `npm start`) in the Parley directory first.');
  process.exitCode = 1;
}
